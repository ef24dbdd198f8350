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
// Hints: `npm run kata -- hint q3/3`. Grade: `npm run kata -- check q3/3`.
import { NotImplemented } from "../../src/kata/not-implemented.js";
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
  constructor(readonly options: SniPrewarmOptions) {}

  onClientHello(serverName: string): void {
    // TODO: pre-warm when the host has a worker; remember when its isolate will be ready.
    throw new NotImplemented("SniPrewarmer.onClientHello");
  }

  request(host: string): Promise<Lease> {
    // TODO: hold the isolate in flight, wait for it to be ready, hand out a lease.
    throw new NotImplemented("SniPrewarmer.request");
  }
}
