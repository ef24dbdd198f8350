// Mutant: ready times live in one module-level map shared by every prewarmer, so a script pre-warmed on one machine's pool looks warm on another's.
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

/** One map for the whole process: cheaper than one per prewarmer. */
const READY_AT_MS = new Map<string, number>();

export class SniPrewarmer {
  readonly #readyAtMs = READY_AT_MS;

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
    const waitMs = readyAtMs - this.options.sim.now();
    // A pre-warm under way is not restarted: the request waits only for the rest of it.
    if (waitMs > 0) await this.options.sim.sleep(waitMs, `ready ${route.scriptId}`);
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
