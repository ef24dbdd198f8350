// Mutant: a request that finds a pre-warm still under way waits a full coldStartMs instead of only the rest of it, so the handshake does not hide anything (cold 100, ClientHello at 0, request at 60: ready at 160 instead of 100). (blind)

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
    this.options.pool.release(route.scriptId);
  }

  async request(host: string): Promise<Lease> {
    const { sim, pool, routes } = this.options;
    const route = routes.get(host);
    if (route === undefined) throw new EdgeError("NO_WORKER", 404, `no worker is deployed on ${host}`);
    this.#acquire(route);
    const readyAtMs = this.#readyAtMs.get(route.scriptId) ?? sim.now();
    if (readyAtMs > sim.now()) await sim.sleep(this.options.coldStartMs, `ready ${route.scriptId}`);
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
