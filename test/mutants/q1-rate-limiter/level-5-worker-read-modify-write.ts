// Mutant: the Worker reads the count (GET), decides, and writes the increment back in a second call (POST), so two PoPs that both read before either writes are both admitted (limit 1: two concurrent acquires whose GETs arrive first both return true). (blind)

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

  async fetch(request: Request): Promise<Response> {
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    const stored = await this.state.storage.get<Stored>("limiter");
    const count = stored !== undefined && stored.window === window ? stored.count : 0;
    if (request.method === "GET") {
      return Response.json({ count, limit: this.env.limit });
    }
    await this.state.storage.put("limiter", { window, count: count + 1 });
    return Response.json({ count: count + 1, limit: this.env.limit });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  const stub = ns.get(ns.idFromName(key));
  const current = (await (await stub.fetch(new Request("https://rate-limiter/count"))).json()) as { count: number; limit: number };
  if (current.count >= current.limit) return false;
  await stub.fetch(new Request("https://rate-limiter/count", { method: "POST" }));
  return true;
}
