// Mutant: the request releases its isolate as soon as it is ready, so a pre-warm may evict a worker while it serves.
import { assert } from "../../../src/core/errors.js";
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
  /** When each resident isolate is (or was) ready; an evicted isolate's entry is dropped. */
  readonly #readyAtMs = new Map<string, number>();

  constructor(readonly options: SniPrewarmOptions) {}

  onClientHello(serverName: string): void {
    // SNI is attacker-controlled and free to send: an unknown name must not cost an isolate,
    // or a scanner could churn the pool and evict real workers.
    const route = this.options.routes.get(serverName);
    if (route === undefined) return;
    try {
      this.#acquire(route);
    } catch {
      return; // Every isolate is busy: a pre-warm is an optimisation, never a reason to fail.
    }
    // Released at once: the pre-warmed isolate is idle (evictable) until a request holds it.
    this.options.pool.release(route.scriptId);
  }

  async request(host: string): Promise<Lease> {
    const route = this.options.routes.get(host);
    assert(route !== undefined, `request(${host}) for a host with no worker`);
    // Acquire before waiting: from now on the isolate is in flight and cannot be evicted.
    const readyAtMs = this.#acquire(route);
    const waitMs = readyAtMs - this.options.sim.now();
    // A pre-warm under way is not restarted: the request waits only for the rest of it.
    if (waitMs > 0) await this.options.sim.sleep(waitMs, `ready ${route.scriptId}`);
    this.options.pool.release(route.scriptId);
    let released = true;
    return {
      release: (): void => {
        if (released) return;
        released = true;
        this.options.pool.release(route.scriptId);
      },
    };
  }

  /** Acquires the route's isolate (throws the pool's error) and returns when it is ready. */
  #acquire(route: WorkerRoute): number {
    const { cold, evicted } = this.options.pool.acquire(route.scriptId, route.sizeBytes);
    for (const id of evicted) this.#readyAtMs.delete(id);
    const known = this.#readyAtMs.get(route.scriptId);
    if (cold || known === undefined) {
      const readyAtMs = this.options.sim.now() + this.options.coldStartMs;
      this.#readyAtMs.set(route.scriptId, readyAtMs);
      return readyAtMs;
    }
    return known;
  }
}
