// Mutant: routes every key to one global object (idFromName("rate-limiter")) that keeps a count per key, so the counts are exact but no decision goes to the object named after its key (any acquire(ns, "k") calls the object "rate-limiter", not idFromName("k")). (blind)

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
    const key = new URL(request.url).searchParams.get("key") ?? "";
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    const slot = "key:" + key;
    const stored = await this.state.storage.get<Stored>(slot);
    const count = stored !== undefined && stored.window === window ? stored.count : 0;
    const allowed = count < this.env.limit;
    if (allowed) await this.state.storage.put(slot, { window, count: count + 1 });
    return Response.json({ allowed }, { status: allowed ? 200 : 429 });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  // One limiter for the whole API: simpler to operate than one object per key.
  const stub = ns.get(ns.idFromName("rate-limiter"));
  const url = "https://rate-limiter/acquire?key=" + encodeURIComponent(key);
  const response = await stub.fetch(new Request(url, { method: "POST" }));
  const body = (await response.json()) as { allowed?: unknown };
  return body.allowed === true;
}
