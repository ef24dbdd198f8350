// Mutant: the object admits while admitted <= limit.
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
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    const stored = await this.state.storage.get<WindowCount>("window");
    const admitted = stored !== undefined && stored.window === window ? stored.admitted : 0;
    const allowed = admitted <= this.env.limit;
    if (allowed) await this.state.storage.put("window", { window, admitted: admitted + 1 });
    return Response.json({ allowed });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  const stub = ns.get(ns.idFromName(key));
  const response = await stub.fetch(new Request("https://rate-limiter.internal/acquire", { method: "POST" }));
  const body = (await response.json()) as { allowed: boolean };
  return body.allowed;
}
