// Mutant: the object starts its window at the first request after the last one expired instead of at a multiple of windowMs, so aligned windows are not respected (limit 1, windowMs 10: object-clock times 5 and 12 lie in aligned windows 0 and 1, but the second is rejected). (blind)

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
  startMs: number;
  count: number;
}

export class RateLimiterObject {
  constructor(
    readonly state: DurableObjectStateApi,
    readonly env: LimiterEnv,
  ) {}

  async fetch(_request: Request): Promise<Response> {
    const nowMs = this.env.clock.nowMs();
    let stored = await this.state.storage.get<Stored>("limiter");
    if (stored === undefined || nowMs - stored.startMs >= this.env.windowMs) stored = { startMs: nowMs, count: 0 };
    const allowed = stored.count < this.env.limit;
    if (allowed) await this.state.storage.put("limiter", { startMs: stored.startMs, count: stored.count + 1 });
    return Response.json({ allowed }, { status: allowed ? 200 : 429 });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  const stub = ns.get(ns.idFromName(key));
  const response = await stub.fetch(new Request("https://rate-limiter/acquire", { method: "POST" }));
  const body = (await response.json()) as { allowed?: unknown };
  return body.allowed === true;
}
