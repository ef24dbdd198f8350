// Mutant: records a script's ready time only the first time it is seen and never forgets it, so after the pool evicts the isolate a new request is treated as warm (cold 100: a.example warmed at 0, evicted at 500, requested again at 1000 resolves at once instead of at 1100). (blind)

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
    pool.acquire(route.scriptId, route.sizeBytes);
    if (!this.#readyAtMs.has(route.scriptId)) this.#readyAtMs.set(route.scriptId, sim.now() + coldStartMs);
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
