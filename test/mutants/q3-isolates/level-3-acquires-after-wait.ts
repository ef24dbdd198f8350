// Mutant: a request waits for a pre-warm under way before acquiring, so while it waits its isolate is idle and a pre-warm for another host can evict it.
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
    const pending = (this.#readyAtMs.get(route.scriptId) ?? 0) - this.options.sim.now();
    if (pending > 0) await this.options.sim.sleep(pending, `pre-warm ${route.scriptId}`);
    const readyAtMs = this.#noteReady(route.scriptId, this.options.pool.acquire(route.scriptId, route.sizeBytes));
    const waitMs = readyAtMs - this.options.sim.now();
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
