/**
 * Deterministic simulation core: a virtual clock, a stable event queue, a splittable seeded
 * PRNG, a latency model from great-circle distance, and the PoP and client datasets.
 * Everything time- or chance-dependent in src/ goes through these, so a run replays exactly
 * from its seed; the same components run on `WallClock` in the server.
 */
export { type Clock, VirtualClock, WallClock } from "./clock.js";
export { Rng, hashString } from "./rng.js";
export { EventQueue, type ScheduledEvent } from "./event-queue.js";
export { Simulation, type SimulationOptions, type Timer } from "./simulation.js";
export { WallSim, type Scheduler } from "./wall-sim.js";
export { type LatLon, greatCircleKm, EARTH_RADIUS_KM } from "./geo.js";
export { LatencyModel, type LatencyModelOptions, FIBRE_KM_PER_MS, ROUTE_FACTOR_DEFAULT } from "./latency.js";
export { type Pop, type ClientPopulation, type Region, POPS, CLIENT_POPULATIONS, ORIGIN_POP_DEFAULT, popByCode } from "./pops.js";
