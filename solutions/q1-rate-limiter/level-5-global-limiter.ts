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

import type { DurableObjectNamespaceApi, DurableObjectStateApi } from "../../src/core/bindings.js";
import type { Clock } from "../../src/sim/clock.js";
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
  const stub = ns.get(ns.idFromName(key));
  // The whole decision is one round trip; the read-modify-write happens inside the object.
  const response = await stub.fetch(new Request("https://rate-limiter.internal/acquire", { method: "POST" }));
  const body = (await response.json()) as { allowed: boolean };
  return body.allowed;
}
