import type { LogLine } from "./host-bridge.js";
import { ERROR_1101_BODY, ERROR_1102_BODY } from "./limits.js";
import type { Outcome } from "./worker-instance.js";

/** What one invocation returns: the response plus the measurements the edge reports. */
export interface WorkerResult {
  response: Response;
  outcome: Outcome;
  /** True when this request had to build the isolate (create, compile, instantiate). */
  cold: boolean;
  cpuMs: number;
  wallMs: number;
  /** Console output and runtime errors; `waitUntil` work may still append to it. */
  logs: LogLine[];
  /** Settles when the `ctx.waitUntil` work is done (or cut off); never rejects. */
  waitUntil: Promise<void>;
}

export interface ScheduledResult {
  outcome: Outcome;
  cold: boolean;
  cpuMs: number;
  wallMs: number;
  logs: LogLine[];
}

/**
 * Cloudflare's error pages for a failed invocation: 1101 "Worker threw exception" (500) and
 * 1102 "Worker exceeded resource limits" (503), per Cloudflare's 1xxx error documentation.
 */
// ANCHOR: error-codes
export function errorResponse(outcome: Exclude<Outcome, "ok">): Response {
  const [status, body] = outcome === "exception" ? [500, ERROR_1101_BODY] : [503, ERROR_1102_BODY];
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=UTF-8" } });
}
// ANCHOR_END: error-codes
