import type { Clock } from "../sim/clock.js";
import { cacheKey, varyNames, varySecondaryKey, type CacheKeyOptions } from "./cache-key.js";
import { CacheStore, cacheTags, entrySizeBytes, type CacheStoreOptions, type StoredEntry } from "./cache-store.js";
import { clientConditionMet, notModifiedFrom, updateHeadersFrom304, validatorsFor, withoutConditionals } from "./conditional.js";
import { mustRevalidateWhenStale, notStorableReason, storedEntryMeta } from "./freshness.js";
import { invalidatedUrls } from "./invalidation.js";
import { formatHttpDate } from "./http-date.js";
import { copyFields, type CacheRequest, type CacheResponse, type Upstream } from "./http-message.js";

/** Cloudflare's `cf-cache-status` values ("Cloudflare cache responses" docs). */
export type CacheStatus = "HIT" | "MISS" | "EXPIRED" | "STALE" | "UPDATING" | "REVALIDATED" | "BYPASS" | "DYNAMIC";
export const CACHE_STATUSES: readonly CacheStatus[] = ["HIT", "MISS", "EXPIRED", "STALE", "UPDATING", "REVALIDATED", "BYPASS", "DYNAMIC"];

// RFC 5861 §4: stale-if-error applies to these errors (and to an unreachable upstream).
const ERROR_STATUSES = new Set([500, 502, 503, 504]);
/**
 * Headers only the edge reads, never shown to clients: the RFC 9213 targeted field for
 * Cloudflare and the purge tags (Cloudflare strips both).
 */
export const EDGE_ONLY_HEADERS: readonly string[] = Object.freeze(["cloudflare-cdn-cache-control", "cache-tag"]);
const NO_VARY_VALUES: Readonly<Record<string, string | undefined>> = Object.freeze({});
const NO_TAGS: readonly string[] = Object.freeze([]);
/** Named Cache API caches kept per tier (edge-kata's bound; Cloudflare documents none). */
export const NAMED_CACHES_MAX = 64;

export interface HttpCacheOptions {
  readonly clock: Clock;
  readonly upstream: Upstream;
  readonly store?: CacheStoreOptions;
  readonly key?: CacheKeyOptions;
  /** True for a tier that answers clients: strips edge-only headers. @defaultValue true */
  readonly facesClients?: boolean;
}

export interface CacheTierStats {
  readonly statuses: Record<CacheStatus, number>;
  /** Requests this tier sent upstream (misses, revalidations, pass-through). */
  upstreamRequests: number;
  /** Misses answered by another request's in-flight fetch. */
  coalesced: number;
}

/** One RFC 9111 shared cache tier in front of an upstream (the next tier or the origin). */
export class HttpCache {
  readonly store: CacheStore;
  readonly stats: CacheTierStats;
  readonly #clock: Clock;
  readonly #upstream: Upstream;
  readonly #keyOptions: CacheKeyOptions;
  readonly #facesClients: boolean;
  readonly #inflight = new Map<string, Promise<void>>();
  /** The Cache API's named caches (`caches.open(name)`), least recently opened first; see `namedStore`. */
  readonly #named = new Map<string, CacheStore>();
  readonly #storeOptions: CacheStoreOptions | undefined;
  readonly #background = new Set<Promise<void>>();

  constructor(options: HttpCacheOptions) {
    this.#clock = options.clock;
    this.#upstream = options.upstream;
    this.#keyOptions = options.key ?? {};
    this.#facesClients = options.facesClients ?? true;
    this.store = new CacheStore(options.store);
    this.#storeOptions = options.store;
    this.stats = { statuses: Object.fromEntries(CACHE_STATUSES.map((s) => [s, 0])) as Record<CacheStatus, number>, upstreamRequests: 0, coalesced: 0 };
  }

  keyOf(url: string): string {
    return cacheKey(url, this.#keyOptions);
  }

  // ANCHOR: lookup
  async handle(request: CacheRequest): Promise<CacheResponse> {
    const method = request.method.toUpperCase();
    if (method !== "GET" && method !== "HEAD") return this.#passUnsafe(request);
    const key = this.keyOf(request.url);
    let entry = this.store.select(key, request.headers);
    if (entry) {
      const state = this.#freshness(entry);
      if (state.fresh) return this.#serve(request, entry, "HIT");
      // Only the tier facing clients answers stale while it refreshes: an upper tier asked by a
      // lower tier refreshes first, or the lower tier would store the stale copy as new.
      if (state.staleWhileRevalidateOk && this.#facesClients) {
        this.#revalidateInBackground(key, entry, request);
        return this.#serve(request, entry, "UPDATING");
      }
    }
    const pending = this.#inflight.get(key);
    if (pending) {
      // Coalescing: wait for the fetch already on its way, then use what it stored.
      await pending;
      const after = this.store.select(key, request.headers);
      if (after && this.#freshness(after).fresh) {
        this.stats.coalesced++;
        return this.#serve(request, after, entry ? "REVALIDATED" : "MISS");
      }
      entry = after;
    }
    if (!entry) return this.#lead(key, () => this.#miss(request, key));
    const stale = entry;
    return this.#lead(key, () => this.#revalidate(request, key, stale, this.#freshness(stale).staleIfErrorOk));
  // ANCHOR_END: lookup
  }

  /**
   * The store of a Workers Cache API namespace (`caches.open(name)`) at this tier: a keyspace of
   * its own, purged with the tier. At most NAMED_CACHES_MAX names are kept; opening one more
   * drops the least recently opened (a cache may evict anything at any time).
   */
  namedStore(name: string): CacheStore {
    const found = this.findNamedStore(name);
    if (found !== undefined) return found;
    const store = new CacheStore(this.#storeOptions);
    this.#named.set(name, store);
    if (this.#named.size > NAMED_CACHES_MAX) this.#named.delete(this.#named.keys().next().value as string);
    return store;
  }

  /** A named store if it exists (marked most recently used); reading never creates one, nor evicts another. */
  findNamedStore(name: string): CacheStore | undefined {
    const store = this.#named.get(name);
    if (store !== undefined) {
      this.#named.delete(name);
      this.#named.set(name, store);
    }
    return store;
  }

  /** Purge by URL: every variant of the URL's key, named Cache API stores included. Returns the number of entries removed. */
  purgeUrl(url: string): number {
    const key = this.keyOf(url);
    let removed = this.store.deleteKey(key);
    for (const store of this.#named.values()) removed += store.deleteKey(key);
    return removed;
  }

  /** Purge by Cache-Tag, named Cache API stores included. Returns the number of entries removed. */
  purgeTag(tag: string): number {
    let removed = this.store.deleteTag(tag);
    for (const store of this.#named.values()) removed += store.deleteTag(tag);
    return removed;
  }

  /** RFC 9111 §4.2.3 current age of a stored entry, now. */
  ageMs(entry: StoredEntry): number {
    return this.#age(entry);
  }

  /** May this stored entry be used without validation right now (fresh, and not no-cache)? */
  isFresh(entry: StoredEntry): boolean {
    return this.#freshness(entry).fresh;
  }

  /** Resolves when background revalidations started so far have finished. */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }

  #age(entry: StoredEntry): number {
    return entry.meta.initialAgeMs + (this.#clock.nowMs() - entry.responseTimeMs);
  }

  // ANCHOR: freshness
  /** RFC 9111 §4.2 and RFC 5861: may this entry be used as is, or stale, right now? */
  #freshness(entry: StoredEntry): { fresh: boolean; staleWhileRevalidateOk: boolean; staleIfErrorOk: boolean } {
    const { directives, lifetimeMs } = entry.meta;
    const ageMs = this.#age(entry);
    const stalenessMs = ageMs - lifetimeMs;
    // no-cache: never use without validation; must-revalidate family: never serve stale.
    const mayServeStale = !directives.noCache && !mustRevalidateWhenStale(directives);
    return {
      fresh: !directives.noCache && ageMs < lifetimeMs,
      staleWhileRevalidateOk: mayServeStale && directives.staleWhileRevalidateS !== undefined && stalenessMs <= directives.staleWhileRevalidateS * 1000,
      staleIfErrorOk: mayServeStale && directives.staleIfErrorS !== undefined && stalenessMs <= directives.staleIfErrorS * 1000,
  // ANCHOR_END: freshness
    };
  }

  async #lead(key: string, work: () => Promise<CacheResponse>): Promise<CacheResponse> {
    let release: () => void = noop;
    this.#inflight.set(key, new Promise<void>((resolve) => (release = resolve)));
    try {
      return await work();
    } finally {
      this.#inflight.delete(key);
      release();
    }
  }

  async #fetchUpstream(
    request: CacheRequest,
  ): Promise<{ response: CacheResponse | null; upstreamStatus: string | undefined; requestTimeMs: number; responseTimeMs: number }> {
    this.stats.upstreamRequests++;
    const requestTimeMs = this.#clock.nowMs();
    let response: CacheResponse | null;
    let upstreamStatus: string | undefined;
    try {
      response = await this.#upstream(request);
      upstreamStatus = response.headers["cf-cache-status"];
      response = { ...response, headers: copyFields(response.headers, "cf-cache-status") };
    } catch {
      response = null;
    }
    return { response, upstreamStatus, requestTimeMs, responseTimeMs: this.#clock.nowMs() };
  }

  async #miss(request: CacheRequest, key: string): Promise<CacheResponse> {
    const upstreamRequest = { ...request, headers: copyFields(request.headers, "if-none-match", "if-modified-since"), method: "GET" };
    const { response, requestTimeMs, responseTimeMs } = await this.#fetchUpstream(upstreamRequest);
    if (!response) return this.#respond(request, gatewayError(502), "MISS");
    const stored = this.#store(key, request, response, requestTimeMs, responseTimeMs);
    if (stored) return this.#serve(request, stored, "MISS");
    const reason = notStorableReason(request, response);
    return this.#respond(request, response, reason === "status" || reason === "no-freshness" ? "DYNAMIC" : "BYPASS");
  }

  async #revalidate(request: CacheRequest, key: string, entry: StoredEntry, mayServeStaleOnError: boolean): Promise<CacheResponse> {
    const conditional = { method: "GET", url: request.url, headers: { ...withoutConditionals(request).headers, ...validatorsFor(entry.response) } };
    const { response, upstreamStatus, requestTimeMs, responseTimeMs } = await this.#fetchUpstream(conditional);
    // An upper tier that answers STALE could not reach the origin either: for this tier that
    // is an error too, not a fresh validation (its copy must keep its age).
    const upstreamFailed = !response || ERROR_STATUSES.has(response.status) || upstreamStatus === "STALE";
    if (upstreamFailed) {
      if (mayServeStaleOnError) return this.#serve(request, entry, "STALE");
      // RFC 9111 §4.2.4: a stale response that may not be served stale becomes a 504.
      return this.#respond(request, response && upstreamStatus !== "STALE" ? response : gatewayError(504), "EXPIRED");
    }
    if (response.status === 304) {
      entry.response = updateHeadersFrom304(entry.response, response);
      entry.requestTimeMs = requestTimeMs;
      entry.responseTimeMs = responseTimeMs;
      if (entry.response.headers["date"] === undefined) entry.response = withDate(entry.response, responseTimeMs);
      entry.meta = storedEntryMeta(entry.response, entry);
      return this.#serve(request, entry, "REVALIDATED");
    }
    const stored = this.#store(key, request, response, requestTimeMs, responseTimeMs);
    if (!stored) this.store.deleteKey(key);
    return stored ? this.#serve(request, stored, "EXPIRED") : this.#respond(request, response, "EXPIRED");
  }

  #revalidateInBackground(key: string, entry: StoredEntry, request: CacheRequest): void {
    if (this.#inflight.has(key)) return;
    const job = this.#lead(key, () => this.#revalidate(request, key, entry, true)).then(
      () => undefined,
      () => undefined,
    );
    this.#background.add(job);
    void job.finally(() => this.#background.delete(job));
  }

  #store(key: string, request: CacheRequest, response: CacheResponse, requestTimeMs: number, responseTimeMs: number): StoredEntry | null {
    if (notStorableReason(request, response) !== null) return null;
    const entry = storedEntry(key, request.headers, response, requestTimeMs, responseTimeMs);
    this.store.put(entry);
    return entry;
  }

  #serve(request: CacheRequest, entry: StoredEntry, status: CacheStatus): CacheResponse {
    const age = String(Math.floor(this.#age(entry) / 1000));
    // The condition reads only validators, which `age` never changes: test the stored copy and
    // build the served headers in one copy instead of two.
    if (!clientConditionMet(request, entry.response)) return this.#respondAged(request, entry.response, age, status);
    const headers = copyFields(entry.response.headers);
    headers["age"] = age;
    const base = { ...entry.response, headers };
    // To a client, a 304 carries the RFC 9110 §15.4.5 fields; to a lower tier it carries every
    // stored header, so the headers the origin updated with its own 304 (RFC 9111 §4.3.4)
    // reach the lower tier's copy and its clients.
    return this.#respond(request, this.#facesClients ? notModifiedFrom(base) : { status: 304, headers: base.headers, body: "" }, status);
  }

  #respond(request: CacheRequest, response: CacheResponse, status: CacheStatus): CacheResponse {
    this.stats.statuses[status]++;
    const headers = copyFields(response.headers);
    headers["cf-cache-status"] = status;
    if (this.#facesClients) for (const name of EDGE_ONLY_HEADERS) delete headers[name];
    return { status: response.status, headers, body: request.method.toUpperCase() === "HEAD" ? "" : response.body };
  }

  /** `#respond` of the stored response with `age` set, without the intermediate copy. */
  #respondAged(request: CacheRequest, stored: CacheResponse, age: string, status: CacheStatus): CacheResponse {
    this.stats.statuses[status]++;
    const headers = copyFields(stored.headers);
    headers["age"] = age;
    headers["cf-cache-status"] = status;
    if (this.#facesClients) for (const name of EDGE_ONLY_HEADERS) delete headers[name];
    return { status: stored.status, headers, body: request.method.toUpperCase() === "HEAD" ? "" : stored.body };
  }

  async #passUnsafe(request: CacheRequest): Promise<CacheResponse> {
    const { response } = await this.#fetchUpstream(request);
    if (!response) return this.#respond(request, gatewayError(502), "DYNAMIC");
    for (const url of invalidatedUrls(request, response)) this.store.deleteKey(this.keyOf(url));
    return this.#respond(request, response, "DYNAMIC");
  }
}

function noop(): void {}

/**
 * A response as a store entry: its Vary values taken from the request that stored it, a Date
 * added if it had none, and the freshness inputs derived once. Storability is the caller's check.
 */
export function storedEntry(key: string, requestHeaders: Readonly<Record<string, string>>, response: CacheResponse, requestTimeMs: number, responseTimeMs: number): StoredEntry {
  const withDateHeader = response.headers["date"] === undefined ? withDate(response, responseTimeMs) : response;
  // Most responses have no Vary and no Cache-Tag: their entries share one empty record/list.
  const varyBy = varyNames(response.headers["vary"]);
  const tags = cacheTags(response);
  return {
    key,
    varyValues: varyBy.length === 0 ? NO_VARY_VALUES : varySecondaryKey(varyBy, requestHeaders),
    response: withDateHeader,
    requestTimeMs,
    responseTimeMs,
    meta: storedEntryMeta(withDateHeader, { requestTimeMs, responseTimeMs }),
    tags: tags.length === 0 ? NO_TAGS : tags,
    sizeBytes: entrySizeBytes(response),
  };
}

function gatewayError(status: 502 | 504): CacheResponse {
  return { status, headers: { "content-type": "text/plain" }, body: status === 502 ? "upstream unreachable" : "stale response may not be served" };
}

function withDate(response: CacheResponse, atMs: number): CacheResponse {
  const headers = copyFields(response.headers);
  headers["date"] = formatHttpDate(atMs);
  return { ...response, headers };
}
