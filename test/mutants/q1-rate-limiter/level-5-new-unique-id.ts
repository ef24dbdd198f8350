// Mutant: the Worker asks for `ns.newUniqueId()` instead of `ns.idFromName(key)`, so every decision creates a fresh object with a fresh count and nothing is ever rejected.
import type { DurableObjectNamespaceApi, DurableObjectStateApi } from "../../../src/core/bindings.js";
import type { Clock } from "../../../src/sim/clock.js";
export interface LimiterEnv {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
  /** The object's clock (on Cloudflare, Date.now() inside the object). */
  clock: Clock;
}

interface WindowCount {
  window: number;
  admitted: number;
}

export class RateLimiterObject {
  constructor(
    readonly state: DurableObjectStateApi,
    readonly env: LimiterEnv,
  ) {}

  async fetch(_request: Request): Promise<Response> {
    // The object's clock decides the window: callers' clocks disagree, and a request stamped
    // by a far PoP arrives late.
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    // Read, decide and write with only storage awaits in between: the input gate holds every
    // other event until they complete, so no concurrent request can read the same count.
    const stored = await this.state.storage.get<WindowCount>("window");
    const admitted = stored !== undefined && stored.window === window ? stored.admitted : 0;
    const allowed = admitted < this.env.limit;
    // Storage, not a field: an evicted instance restarts from what was written.
    if (allowed) await this.state.storage.put("window", { window, admitted: admitted + 1 });
    return Response.json({ allowed });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  // One name, one object, worldwide: every PoP that sees this key talks to the same instance.
  const stub = ns.get(ns.newUniqueId());
  // The whole decision is one round trip; the read-modify-write happens inside the object.
  const response = await stub.fetch(new Request("https://rate-limiter.internal/acquire", { method: "POST" }));
  const body = (await response.json()) as { allowed: boolean };
  return body.allowed;
}
