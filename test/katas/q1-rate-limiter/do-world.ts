import type fc from "fast-check";
import type { DurableObjectFactory } from "../../../src/core/bindings.js";
import type { Simulation } from "../../../src/sim/index.js";
import { scheduledDoWorld, simulatedDoWorld, type DoWorld } from "../../support/do-world.js";

export type { DoWorld };

/**
 * The rate limiter's objects on the platform's Durable Object runtime, with every network hop
 * (worker to object, object to worker) a task of fast-check's scheduler. The test sets the
 * objects' clock between waves.
 */
export function scheduledWorld(s: fc.Scheduler, nowMs: () => number, factory: DurableObjectFactory): DoWorld {
  return scheduledDoWorld(s, nowMs, "LIMITER", factory);
}

/** Real geography and latency on a virtual-time simulation (for latency figures). */
export function simulatedWorld(sim: Simulation, factory: DurableObjectFactory): DoWorld {
  return simulatedDoWorld(sim, "LIMITER", factory);
}
