// Q3 · level 3 · Pre-warm on TLS SNI
// A TLS handshake takes a round trip or two before the first HTTP byte arrives, and the very
// first message, the ClientHello, already names the host in its SNI extension (RFC 6066 §3).
// Cloudflare starts the Worker's isolate right then, so the cold start overlaps the handshake
// ("Eliminating cold starts with Cloudflare Workers", 2020).
//
// Implement `SniPrewarmer` in virtual time (a `Simulation` from src/sim):
// - `onClientHello(serverName)`: if the host has a worker, start its isolate now by acquiring
//   it in the pool; a cold acquire makes it ready `coldStartMs` later. Then release it at once:
//   a ClientHello costs the client nothing, so a pre-warm must never pin an isolate. If the
//   pool refuses (its `acquire` throws, whatever the error), skip the pre-warm:
//   `onClientHello` never throws. A host with no worker touches nothing.
// - `request(host)` (only called for hosts with a worker, after the handshake): acquire the
//   isolate and resolve the `Lease` when it is ready (at once when warm and ready, after the
//   rest of a pre-warm already under way, after a full cold start otherwise). The request holds
//   its isolate in flight until `lease.release()`, so nothing can evict a worker that is
//   serving. If the pool refuses, reject with the pool's error (a rejected promise, never a
//   throw at the call).
// The pool is yours alone: every isolate in it was started by this prewarmer, and every
// eviction is reported to you in `evicted`. Readiness is per script: several hosts may route to
// the same script, and script ids are any strings ("7", "constructor" included).
// The visible cold start then becomes max(0, coldStartMs − handshake).
// Constraints: time comes from `sim` only (`sim.now()`, `sim.sleep(ms)`).
import { assert } from "../../src/core/errors.js";
import type { Simulation } from "../../src/sim/index.js";

/** The level-2 pool contract (the suite passes in its own correct pool). */
export interface PrewarmPool {
  acquire(scriptId: string, sizeBytes: number): { cold: boolean; evicted: string[] };
  release(scriptId: string): void;
}

export interface WorkerRoute {
  scriptId: string;
  sizeBytes: number;
}

export interface SniPrewarmOptions {
  sim: Simulation;
  pool: PrewarmPool;
  /** Host name → the worker deployed on it. A host with no entry has no worker. */
  routes: ReadonlyMap<string, WorkerRoute>;
  /** Virtual ms from creating an isolate to it being ready to run a request. */
  coldStartMs: number;
}

export interface Lease {
  /** The response is sent: the isolate is idle again (idempotent). */
  release(): void;
}

export class SniPrewarmer {
  /** When each resident isolate is (or was) ready; an evicted isolate's entry is dropped. */
  readonly #readyAtMs = new Map<string, number>();

  constructor(readonly options: SniPrewarmOptions) {}

  onClientHello(serverName: string): void {
    // SNI is attacker-controlled and free to send: an unknown name must not cost an isolate,
    // or a scanner could churn the pool and evict real workers.
    const route = this.options.routes.get(serverName);
    if (route === undefined) return;
    const { scriptId } = route;
    let acquired: { cold: boolean; evicted: string[] };
    try {
      acquired = this.options.pool.acquire(scriptId, route.sizeBytes);
    } catch {
      return; // Every isolate is busy: a pre-warm is an optimisation, never a reason to fail.
    }
    this.#noteReady(scriptId, acquired);
    // Released at once: the pre-warmed isolate is idle (evictable) until a request holds it.
    this.options.pool.release(scriptId);
  }

  async request(host: string): Promise<Lease> {
    const route = this.options.routes.get(host);
    assert(route !== undefined, `request(${host}) for a host with no worker`);
    // Acquire before waiting: from now on the isolate is in flight and cannot be evicted.
    const readyAtMs = this.#noteReady(route.scriptId, this.options.pool.acquire(route.scriptId, route.sizeBytes));
    // A pre-warm under way is not restarted: the request waits only for the rest of it (and
    // not at all for an isolate that is ready).
    await this.options.sim.sleep(Math.max(0, readyAtMs - this.options.sim.now()));
    let released = false;
    return {
      release: (): void => {
        if (released) return;
        released = true;
        this.options.pool.release(route.scriptId);
      },
    };
  }

  /** Records what an acquire told us and returns when the script's isolate is (or was) ready. */
  #noteReady(scriptId: string, { cold, evicted }: { cold: boolean; evicted: string[] }): number {
    // Evicted isolates are gone: forget them, so the map holds only resident scripts.
    for (const id of evicted) this.#readyAtMs.delete(id);
    // A cold acquire created the isolate now. A warm one found an isolate this prewarmer
    // started (the pool is its alone), so its ready time is known; a pre-warm under way is not
    // restarted.
    if (cold) this.#readyAtMs.set(scriptId, this.options.sim.now() + this.options.coldStartMs);
    return this.#readyAtMs.get(scriptId) ?? this.options.sim.now();
  }
}
