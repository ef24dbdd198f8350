/**
 * The pipeline: composes every stage of the request journey at one PoP — anycast PoP choice,
 * L3/L4 scrubbing, the TLS handshake (modelled), the WAF, the customer's Worker, the tiered
 * cache and the origin — and decorates each response with `cf-ray`, `cf-cache-status` and
 * `server-timing`. It runs on a virtual clock in simulations and on the wall clock in the
 * server.
 */
export { Edge, type EdgeOptions, type EdgeRequestContext, type EdgeResult } from "./edge.js";
export { OriginBridge, type OriginHandler, type OriginContext, REQUEST_ID_HEADER, STREAM_ID_HEADER } from "./origin-bridge.js";
export { PopSelector, type PopChoice } from "./pop-selector.js";
export { PerPopWorkers, type WorkerHost, type PerPopWorkersOptions, type PerPopBindings } from "./worker-host.js";
export { StageTimer } from "./stage-timer.js";
export { WallSim } from "../sim/wall-sim.js";
export { edgeErrorResponse, WAF_BLOCK_CODE } from "./error-pages.js";
