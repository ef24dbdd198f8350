// Q1 · level 5 · Global limiter on Durable Objects
// Levels 1–4 limit per machine. Your API is served from 300 cities, and a client spreading
// requests over all of them gets 300 × the limit. The limit must be global: ONE counter per
// key, somewhere. A Durable Object is exactly that: `ns.idFromName(key)` names one object
// worldwide, the runtime runs a single instance of it, and its storage survives restarts.
//
// Implement two pieces:
//   (a) `RateLimiterObject`, the Durable Object class: `constructor(state, env)` and
//       `fetch(request)`. It holds a fixed-window counter (level 1) for ONE key: admit while
//       fewer than `env.limit` requests were admitted in the aligned window of
//       `env.clock.nowMs()` (the object's clock, not the caller's). Keep the count in
//       `state.storage` — the instance may be evicted and restarted at any time.
//   (b) `acquire(ns, key)`, the Worker side: route the key to its object with
//       `ns.get(ns.idFromName(key))` and return the object's decision. One round trip per
//       decision: this is the latency every client far from the object pays.
// Many PoPs call at once and the network may reorder messages; the global limit must hold
// exactly: per key and window, admitted = min(limit, requests). Keys are any strings
// (`__proto__` and "" too). The request `acquire` sends and the object's answer are yours to
// design: the suite only calls `acquire`.
// Hints: `npm run kata -- hint q1/5`. Grade: `npm run kata -- check q1/5`.
import type { DurableObjectNamespaceApi, DurableObjectStateApi } from "../../src/core/bindings.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";
import type { Clock } from "../../src/sim/clock.js";
export interface LimiterEnv {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
  /** The object's clock (on Cloudflare, Date.now() inside the object). */
  clock: Clock;
}

export class RateLimiterObject {
  constructor(
    readonly state: DurableObjectStateApi,
    readonly env: LimiterEnv,
  ) {}

  async fetch(request: Request): Promise<Response> {
    // TODO: read the window and count from this.state.storage, decide, write back, answer.
    throw new NotImplemented("RateLimiterObject.fetch");
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  // TODO: one object per key; one request to it; return its decision.
  throw new NotImplemented("acquire");
}
