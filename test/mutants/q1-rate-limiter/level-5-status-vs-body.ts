// Mutant: the object answers 200 with {"allowed": false} on a reject but the Worker returns response.ok, so every request is admitted (limit 1: the second acquire in a window returns true). (blind)

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

interface Stored {
  window: number;
  count: number;
}

export class RateLimiterObject {
  constructor(
    readonly state: DurableObjectStateApi,
    readonly env: LimiterEnv,
  ) {}

  async fetch(_request: Request): Promise<Response> {
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    const stored = await this.state.storage.get<Stored>("limiter");
    const count = stored !== undefined && stored.window === window ? stored.count : 0;
    const allowed = count < this.env.limit;
    if (allowed) await this.state.storage.put("limiter", { window, count: count + 1 });
    return Response.json({ allowed, count: allowed ? count + 1 : count });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  const stub = ns.get(ns.idFromName(key));
  const response = await stub.fetch(new Request("https://rate-limiter/acquire", { method: "POST" }));
  return response.ok;
}
