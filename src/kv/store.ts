import { EdgeError, assert } from "../core/errors.js";
import type { KvNamespaceApi } from "../core/bindings.js";
import type { Clock } from "../sim/clock.js";
import type { Rng } from "../sim/rng.js";
import { MemoryKvBackend, type KvBackend } from "./backend.js";
import { KV_CACHE_TTL_SECONDS_DEFAULT, KV_PROPAGATION_MS_MAX_DEFAULT, KV_WRITES_PER_KEY_INTERVAL_MS } from "./limits.js";
import { compareStamps, merge } from "./lww.js";
import { KvNamespaceAtPop } from "./namespace-at-pop.js";
import type { Scheduler } from "./scheduler.js";
import { isLive, type StoredVersion } from "./version.js";

export interface KvStoreOptions {
  clock: Clock;
  /** Runs propagation deliveries: a `Simulation`, or a `WallScheduler` in the server. */
  scheduler: Scheduler;
  /** Seeds the per-PoP propagation delays (a "kv-propagation" sub-stream is forked). */
  rng: Rng;
  /** Codes of the PoPs that hold a cache of this store. */
  pops: readonly string[];
  /** Upper bound of the seeded delay before a write reaches another PoP. @defaultValue 60_000 */
  propagationMsMax?: number;
  /** Where the central store lives. @defaultValue a new `MemoryKvBackend` */
  backend?: KvBackend;
}

/** What one PoP sees of a key while writes to it are still travelling there. */
interface Lag {
  view: StoredVersion | null;
  pending: number;
}

interface CacheEntry {
  version: StoredVersion | null;
  freshUntilMs: number;
}

/** Per-PoP state of one namespace, created on first use. */
interface PopState {
  lag: Map<string, Lag>;
  cache: Map<string, CacheEntry>;
  lastWriteMs: Map<string, number>;
  /** Reads and writes since expired entries were last dropped. */
  opsSinceSweep: number;
  /** The next sweep runs after this many operations: as many as the entries the last one kept. */
  sweepAfterOps: number;
}

/** The fewest operations at a PoP between two sweeps of its expired entries. */
const SWEEP_OPS_MIN = 1024;

/**
 * Workers KV as Cloudflare describes it: one central store, and a cache in every PoP.
 *
 * - A write is accepted by the central store at once and stamped (time, writer PoP, seq).
 *   It reaches every other PoP after a seeded delay of at most `propagationMsMax`; until
 *   then that PoP's cache fills still see the older version. Deliveries merge with the LWW
 *   rule, so their order does not matter and a late older put never undoes a newer delete.
 * - A read is served by the PoP's cache while the entry is fresh (cacheTtl, also for "not
 *   found"), otherwise it is a cache fill from the central store as that PoP sees it.
 * - The writing PoP updates its own cache, so it reads its own writes at once; other PoPs
 *   may read stale data for up to propagation delay + cacheTtl — exactly the documented
 *   "eventually consistent, up to 60 seconds or more".
 *
 * Only versions in flight are held per PoP (`Lag`); once every delivery of a key has
 * arrived, the PoP sees the central store again, so memory grows with writes in flight only.
 */
export class KvStore {
  readonly clock: Clock;
  readonly propagationMsMax: number;
  readonly #scheduler: Scheduler;
  readonly #rng: Rng;
  readonly #pops: readonly string[];
  readonly #popSet: ReadonlySet<string>;
  readonly #backend: KvBackend;
  readonly #state = new Map<string, Map<string, PopState>>();
  #seq = 0;
  #inFlight = 0;

  constructor(options: KvStoreOptions) {
    assert(options.pops.length > 0, "a KV store needs at least one PoP");
    this.clock = options.clock;
    this.#scheduler = options.scheduler;
    this.#rng = options.rng.fork("kv-propagation");
    this.#pops = [...options.pops];
    this.#popSet = new Set(options.pops);
    this.propagationMsMax = options.propagationMsMax ?? KV_PROPAGATION_MS_MAX_DEFAULT;
    assert(this.propagationMsMax >= 0, `propagationMsMax must be >= 0, got ${this.propagationMsMax}`);
    this.#backend = options.backend ?? new MemoryKvBackend();
  }

  /** Deliveries scheduled but not yet applied, over all namespaces and PoPs. */
  get inFlight(): number {
    return this.#inFlight;
  }

  namespace(namespaceId: string): { atPop(popCode: string): KvNamespaceApi } {
    assert(namespaceId.length > 0, "namespace ids are non-empty");
    return {
      atPop: (popCode: string): KvNamespaceApi => {
        if (!this.#popSet.has(popCode)) throw new EdgeError("KV_POP_UNKNOWN", 500, `PoP "${popCode}" is not one of this store's ${this.#pops.length} PoPs`);
        return new KvNamespaceAtPop(this, namespaceId, popCode);
      },
    };
  }

  // ANCHOR: read-path
  /** The version a read at `pop` returns (null when missing); may be stale by design. */
  read(namespaceId: string, pop: string, key: string, cacheTtlMs: number): StoredVersion | null {
    const nowMs = this.clock.nowMs();
    const state = this.#popState(namespaceId, pop);
    const cached = state.cache.get(key);
    if (cached && nowMs < cached.freshUntilMs) return isLive(cached.version, nowMs) ? cached.version : null;
    const version = this.#viewAt(state, key, this.#backend.get(namespaceId, key) ?? null);
    state.cache.set(key, { version, freshUntilMs: nowMs + cacheTtlMs });
    return isLive(version, nowMs) ? version : null;
  }
  // ANCHOR_END: read-path

  // ANCHOR: write
  /** Stamps and stores a write (value null = delete). Throws before changing anything. */
  write(namespaceId: string, pop: string, key: string, fields: Omit<StoredVersion, "stamp">): void {
    const nowMs = this.clock.nowMs();
    const writer = this.#popState(namespaceId, pop);
    const lastMs = writer.lastWriteMs.get(key);
    // Cloudflare answers 429 to more than one write per second to a key. It is checked where
    // the write is accepted; writers in different PoPs still race, and LWW settles the race.
    if (lastMs !== undefined && nowMs - lastMs < KV_WRITES_PER_KEY_INTERVAL_MS) {
      throw new EdgeError("KV_RATE_LIMITED", 429, `key "${key.length > 64 ? `${key.slice(0, 64)}…` : key}" was written ${Math.round(nowMs - lastMs)} ms ago at ${pop}; the limit is 1 write per ${KV_WRITES_PER_KEY_INTERVAL_MS} ms`);
    }
    const version: StoredVersion = { ...fields, stamp: { timestampMs: nowMs, writerPop: pop, seq: ++this.#seq } };
    const previous = this.#backend.get(namespaceId, key) ?? null;
    this.#backend.put(namespaceId, key, merge(previous, version) as StoredVersion);
    writer.lastWriteMs.set(key, nowMs);
    for (const other of this.#pops) {
      if (other === pop) continue;
      this.#sendTo(namespaceId, other, key, previous, version);
    }
    const ownLag = writer.lag.get(key);
    if (ownLag) ownLag.view = merge(ownLag.view, version);
    const ownView = this.#viewAt(writer, key, merge(previous, version));
    writer.cache.set(key, { version: ownView, freshUntilMs: nowMs + KV_CACHE_TTL_SECONDS_DEFAULT * 1000 });
  }
  // ANCHOR_END: write

  /** Live keys at `pop` after `afterKey` in UTF-8 order; `more` says whether the list goes on. */
  list(namespaceId: string, pop: string, prefix: string, afterKey: string | undefined, limit: number): { entries: Array<[string, StoredVersion]>; more: boolean } {
    const nowMs = this.clock.nowMs();
    const state = this.#popState(namespaceId, pop);
    const entries: Array<[string, StoredVersion]> = [];
    const batchSize = 256;
    let after = afterKey;
    for (;;) {
      const batch = this.#backend.scan(namespaceId, { prefix, afterKey: after, limit: batchSize });
      for (const [key, central] of batch) {
        const version = this.#viewAt(state, key, central);
        if (isLive(version, nowMs)) entries.push([key, version]);
        if (entries.length > limit) return { entries: entries.slice(0, limit), more: true };
      }
      if (batch.length < batchSize) return { entries, more: false };
      const last = (batch[batch.length - 1] as [string, StoredVersion])[0];
      assert(last !== after, "a backend scan must advance past afterKey");
      after = last;
    }
  }

  // ANCHOR: propagation
  #sendTo(namespaceId: string, pop: string, key: string, previous: StoredVersion | null, version: StoredVersion): void {
    const state = this.#popState(namespaceId, pop);
    const lag = state.lag.get(key);
    // With nothing in flight this PoP sees the central store, i.e. `previous`.
    if (lag) lag.pending++;
    else state.lag.set(key, { view: previous, pending: 1 });
    this.#inFlight++;
    const delayMs = this.#rng.float(0, this.propagationMsMax);
    this.#scheduler.schedule(delayMs, () => this.#deliver(namespaceId, state, key, version), `kv deliver -> ${pop}`);
  }

  #deliver(namespaceId: string, state: PopState, key: string, version: StoredVersion): void {
    const lag = state.lag.get(key);
    assert(lag !== undefined && lag.pending > 0, "a delivery always has a pending lag entry");
    this.#inFlight--;
    lag.view = merge(lag.view, version);
    if (--lag.pending > 0) return;
    const central = this.#backend.get(namespaceId, key);
    assert(central !== undefined && lag.view !== null && compareStamps(lag.view.stamp, central.stamp) === 0, "after every delivery a PoP sees the central version");
    state.lag.delete(key);
  }
  // ANCHOR_END: propagation

  #viewAt(state: PopState, key: string, central: StoredVersion | null): StoredVersion | null {
    const lag = state.lag.get(key);
    return lag ? lag.view : central;
  }

  #popState(namespaceId: string, pop: string): PopState {
    let byPop = this.#state.get(namespaceId);
    if (!byPop) {
      byPop = new Map();
      this.#state.set(namespaceId, byPop);
    }
    let state = byPop.get(pop);
    if (!state) {
      state = { lag: new Map(), cache: new Map(), lastWriteMs: new Map(), opsSinceSweep: 0, sweepAfterOps: SWEEP_OPS_MIN };
      byPop.set(pop, state);
    }
    if (++state.opsSinceSweep >= state.sweepAfterOps) this.#sweep(state);
    return state;
  }

  /**
   * Drops what can no longer change an answer: cache entries past their freshness (a read
   * refills them exactly as if absent) and write times older than the rate-limit interval.
   * Without this, a PoP would remember every key it ever read or wrote. Amortised O(1): a
   * sweep runs after as many operations as the entries the previous sweep kept (at least
   * SWEEP_OPS_MIN), so entries never exceed those alive plus that many.
   */
  #sweep(state: PopState): void {
    const nowMs = this.clock.nowMs();
    state.opsSinceSweep = 0;
    for (const [key, entry] of state.cache) if (nowMs >= entry.freshUntilMs) state.cache.delete(key);
    for (const [key, atMs] of state.lastWriteMs) if (nowMs - atMs >= KV_WRITES_PER_KEY_INTERVAL_MS) state.lastWriteMs.delete(key);
    state.sweepAfterOps = Math.max(SWEEP_OPS_MIN, state.cache.size + state.lastWriteMs.size);
  }

  /** Cache entries and write times held for all PoPs and namespaces (memory is bounded by use in the last cacheTtl). */
  get trackedEntries(): number {
    let n = 0;
    for (const byPop of this.#state.values()) for (const state of byPop.values()) n += state.cache.size + state.lastWriteMs.size;
    return n;
  }
}
