// Mutant: hands the isolate acquired on ClientHello over to the request instead of releasing it at once, so a ClientHello with no request after it pins the isolate forever (onClientHello("a.example") alone leaves inFlight(script) = 1, and that isolate can never be evicted). (blind)

import { EdgeError } from "../../../src/core/errors.js";
import type { Simulation } from "../../../src/sim/index.js";

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
  /** Script id → virtual time at which its isolate is (or will be) ready. */
  readonly #readyAtMs = new Map<string, number>();
  /** Scripts acquired by a ClientHello whose request has not claimed the hold yet. */
  readonly #prewarmed = new Map<string, number>();

  constructor(readonly options: SniPrewarmOptions) {}

  /** Acquires the route's isolate (throws when the pool refuses) and records its ready time. */
  #acquire(route: WorkerRoute): void {
    const { sim, pool, coldStartMs } = this.options;
    const result = pool.acquire(route.scriptId, route.sizeBytes);
    for (const id of result.evicted) this.#readyAtMs.delete(id);
    if (result.cold) this.#readyAtMs.set(route.scriptId, sim.now() + coldStartMs);
  }

  onClientHello(serverName: string): void {
    const route = this.options.routes.get(serverName);
    if (route === undefined) return;
    try {
      this.#acquire(route);
    } catch {
      return; // every isolate is busy: no pre-warm, the request will cold-start
    }
    // Keep the hold for the request that follows the handshake, so nothing evicts it meanwhile.
    this.#prewarmed.set(route.scriptId, (this.#prewarmed.get(route.scriptId) ?? 0) + 1);
  }

  async request(host: string): Promise<Lease> {
    const { sim, pool, routes } = this.options;
    const route = routes.get(host);
    if (route === undefined) throw new EdgeError("NO_WORKER", 404, `no worker is deployed on ${host}`);
    const held = this.#prewarmed.get(route.scriptId) ?? 0;
    if (held > 0) this.#prewarmed.set(route.scriptId, held - 1);
    else this.#acquire(route);
    const readyAtMs = this.#readyAtMs.get(route.scriptId) ?? sim.now();
    if (readyAtMs > sim.now()) await sim.sleep(readyAtMs - sim.now(), `ready ${route.scriptId}`);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        pool.release(route.scriptId);
      },
    };
  }
}
