import type { CacheApiBackend } from "../cache/cache-api.js";
import type { DurableObjectNamespaceApi, KvNamespaceApi } from "../core/bindings.js";
import type { RequestCf } from "../core/request-cf.js";
import type { Clock } from "../sim/clock.js";
import { type HeaderPairs, type ScheduledResult, Worker, type WorkerResult, type WorkerScript } from "../workers/index.js";

/** What the pipeline needs from a deployed worker. */
export interface WorkerHost {
  /**
   * Runs the worker at a PoP; its `fetch()` subrequests go to `origin`. `cf` becomes
   * `request.cf`; `headers` are the fields the worker sees in place of `request.headers` (the
   * edge's forwarded list, client address added: see `Worker.fetch`).
   */
  run(request: Request, pop: string, cf: RequestCf | undefined, headers: HeaderPairs | undefined): Promise<WorkerResult>;
  /** Starts the PoP's isolate early (at TLS ClientHello, when the SNI names the host). */
  prewarm(pop: string): void;
  dispose(): void;
}

/** A KV namespace or DO namespace that can be viewed from one PoP. */
export interface PerPopBindings {
  kv?: Record<string, { atPop(pop: string): KvNamespaceApi }>;
  durableObjects?: Record<string, { forPop(pop: string): DurableObjectNamespaceApi }>;
}

export interface PerPopWorkersOptions {
  name: string;
  /** A module's text, or a built script (bundle, modules, source map). */
  source: string | WorkerScript;
  vars?: Record<string, string>;
  bindings?: PerPopBindings;
  cpuMsMax?: number;
  memoryMbMax?: number;
  clock: Clock;
  /** Where a worker at `pop` sends its subrequests (the cache, then the origin). */
  originFor(pop: string): (request: Request) => Promise<Response>;
  /** The Cache API of a worker at `pop` (the PoP's cache). @defaultValue a private cache per isolate */
  cacheFor?(pop: string): CacheApiBackend;
  /** PoPs kept warm at once; the least recently used PoP's isolate is disposed. @defaultValue 16 */
  popsMax?: number;
  /** A 1101 page carries the exception (development, as `wrangler dev`). @defaultValue false */
  developmentErrors?: boolean;
}

/**
 * One isolate of the script per PoP, as on Cloudflare, where every machine that serves the
 * script runs its own isolate: its KV reads hit that PoP's cache and its Durable Object calls
 * start from that PoP. Isolates are created on first use and the least recently used PoP's
 * isolate is disposed beyond `popsMax`.
 */
export class PerPopWorkers implements WorkerHost {
  readonly #options: PerPopWorkersOptions;
  readonly #workers = new Map<string, Worker>();

  constructor(options: PerPopWorkersOptions) {
    this.#options = options;
  }

  run(request: Request, pop: string, cf: RequestCf | undefined, headers: HeaderPairs | undefined): Promise<WorkerResult> {
    return this.#at(pop).fetch(request, { pop, ...(cf !== undefined && { cf }), ...(headers !== undefined && { headers }) });
  }

  prewarm(pop: string): void {
    void this.#at(pop).prewarm();
  }

  /** Fires a Cron Trigger at `pop`: the script's `scheduled` handler runs there. */
  scheduled(cron: string, pop: string): Promise<ScheduledResult> {
    return this.#at(pop).scheduled(cron);
  }

  dispose(): void {
    for (const worker of this.#workers.values()) worker.dispose();
    this.#workers.clear();
  }

  /** Invocations in flight over all PoPs, waitUntil work included. */
  get inFlight(): number {
    let n = 0;
    for (const worker of this.#workers.values()) n += worker.inFlight;
    return n;
  }

  #at(pop: string): Worker {
    let worker = this.#workers.get(pop);
    if (worker) {
      // Map order is insertion order: re-inserting marks the PoP most recently used.
      this.#workers.delete(pop);
      this.#workers.set(pop, worker);
      return worker;
    }
    const o = this.#options;
    const kvNamespaces = Object.fromEntries(Object.entries(o.bindings?.kv ?? {}).map(([name, ns]) => [name, ns.atPop(pop)]));
    const durableObjects = Object.fromEntries(Object.entries(o.bindings?.durableObjects ?? {}).map(([name, ns]) => [name, ns.forPop(pop)]));
    worker = new Worker(
      o.source,
      { name: o.name, vars: o.vars ?? {}, kvNamespaces, durableObjects, ...(o.cacheFor ? { cache: o.cacheFor(pop) } : {}), ...(o.cpuMsMax ? { cpuMsMax: o.cpuMsMax } : {}), ...(o.memoryMbMax ? { memoryMbMax: o.memoryMbMax } : {}) },
      { clock: o.clock, origin: o.originFor(pop), ...(o.developmentErrors ? { developmentErrors: true } : {}) },
    );
    this.#workers.set(pop, worker);
    for (const [code, old] of this.#workers) {
      if (this.#workers.size <= (o.popsMax ?? 16)) break;
      if (old.inFlight > 0) continue;
      old.dispose();
      this.#workers.delete(code);
    }
    return worker;
  }
}
