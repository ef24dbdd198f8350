// Mutant: keeps the window and count in fields of the object instead of state.storage, so an evicted or restarted object forgets its count (limit 1: one admission, restart in the same window, a second request is admitted too). (blind)

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

export class RateLimiterObject {
  #window = -1;
  #count = 0;

  constructor(
    readonly state: DurableObjectStateApi,
    readonly env: LimiterEnv,
  ) {}

  async fetch(_request: Request): Promise<Response> {
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#count = 0;
    }
    const allowed = this.#count < this.env.limit;
    if (allowed) this.#count++;
    return Response.json({ allowed }, { status: allowed ? 200 : 429 });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  const stub = ns.get(ns.idFromName(key));
  const response = await stub.fetch(new Request("https://rate-limiter/acquire", { method: "POST" }));
  const body = (await response.json()) as { allowed?: unknown };
  return body.allowed === true;
}
