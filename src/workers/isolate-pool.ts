import { EdgeError, assert } from "../core/errors.js";
import { type Clock, WallClock } from "../sim/clock.js";
import type { WorkerConfig } from "./config.js";
import type { OriginFetcher, Sleeper } from "./host-bridge.js";
import { Worker } from "./worker.js";
import type { ScheduledResult, WorkerResult } from "./worker-result.js";

export interface IsolatePoolOptions {
  /** Budget for the measured heaps of all warm isolates together. */
  memoryBytesMax: number;
  /** @defaultValue a WallClock */
  clock?: Clock;
}

export interface IsolatePoolStats {
  scripts: number;
  warm: number;
  heapBytes: number;
  evictions: number;
  coldStarts: number;
}

/**
 * Many tenants' workers in one process, keyed by script id, as on one Cloudflare machine.
 * Isolates are built on first use (cold) and reused (warm). When the measured heaps exceed
 * the budget, the least recently used idle isolates are evicted; an isolate with a request
 * in flight is never evicted, so the pool may overshoot until those requests finish.
 */
export class IsolatePool {
  readonly #memoryBytesMax: number;
  readonly #clock: Clock;
  /** Map order is recency order: every use moves a script to the end. */
  readonly #workers = new Map<string, Worker>();
  #evictions = 0;
  #coldStarts = 0;

  constructor(options: IsolatePoolOptions) {
    if (!Number.isFinite(options.memoryBytesMax) || options.memoryBytesMax <= 0) {
      throw new EdgeError("POOL_CONFIG_INVALID", 400, `memoryBytesMax is ${options.memoryBytesMax}; it must be a positive number`);
    }
    this.#memoryBytesMax = options.memoryBytesMax;
    this.#clock = options.clock ?? new WallClock();
  }

  /** Deploys (or replaces) a script. Syntax errors are reported here, with their line. */
  deploy(scriptId: string, source: string, config: WorkerConfig, options: { origin?: OriginFetcher; sleep?: Sleeper } = {}): Worker {
    const worker = new Worker(source, config, { clock: this.#clock, ...options });
    this.#workers.get(scriptId)?.dispose();
    this.#workers.delete(scriptId);
    this.#workers.set(scriptId, worker);
    return worker;
  }

  worker(scriptId: string): Worker {
    const worker = this.#workers.get(scriptId);
    if (worker === undefined) throw new EdgeError("WORKER_NOT_FOUND", 404, `no worker deployed as "${scriptId}"`);
    return worker;
  }

  async fetch(scriptId: string, request: Request, options: { pop?: string } = {}): Promise<WorkerResult> {
    const worker = this.#touch(scriptId);
    const result = await worker.fetch(request, options);
    this.#afterUse(result.cold);
    return result;
  }

  async scheduled(scriptId: string, cron: string): Promise<ScheduledResult> {
    const worker = this.#touch(scriptId);
    const result = await worker.scheduled(cron);
    this.#afterUse(result.cold);
    return result;
  }

  /**
   * Starts a cold start before the request arrives: the edge calls this when the TLS
   * ClientHello's SNI names a host, so the isolate loads while the handshake completes.
   */
  async prewarm(scriptId: string): Promise<void> {
    const worker = this.#touch(scriptId);
    const wasWarm = worker.warm;
    await worker.prewarm();
    this.#afterUse(!wasWarm && worker.warm);
  }

  stats(): IsolatePoolStats {
    let warm = 0;
    let heapBytes = 0;
    for (const w of this.#workers.values()) {
      if (w.warm) warm++;
      heapBytes += w.heapBytes;
    }
    return { scripts: this.#workers.size, warm, heapBytes, evictions: this.#evictions, coldStarts: this.#coldStarts };
  }

  /** Script ids from least to most recently used. */
  recency(): string[] {
    return [...this.#workers.keys()];
  }

  dispose(): void {
    for (const w of this.#workers.values()) w.dispose();
    this.#workers.clear();
  }

  #touch(scriptId: string): Worker {
    const worker = this.worker(scriptId);
    this.#workers.delete(scriptId);
    this.#workers.set(scriptId, worker);
    return worker;
  }

  #afterUse(cold: boolean): void {
    if (cold) this.#coldStarts++;
    let heapBytes = this.stats().heapBytes;
    for (const worker of this.#workers.values()) {
      if (heapBytes <= this.#memoryBytesMax) break;
      const freed = worker.heapBytes;
      if (worker.evict()) {
        this.#evictions++;
        heapBytes -= freed;
      }
    }
    assert(heapBytes >= 0, "the pool's heap total cannot go negative");
  }
}
