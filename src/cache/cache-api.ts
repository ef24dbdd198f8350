import type { Clock } from "../sim/clock.js";
import type { CacheStore } from "./cache-store.js";
import { clientConditionMet, notModifiedFrom } from "./conditional.js";
import { effectiveDirectives } from "./cache-control.js";
import { notStorableReason } from "./freshness.js";
import { copyFields, type CacheRequest, type CacheResponse } from "./http-message.js";
import { HttpCache, storedEntry } from "./http-cache.js";

/**
 * The Workers Cache API (`caches.default`, `caches.open(name)`) of one PoP, on that PoP's own
 * RFC 9111 cache tier: `caches.default` is the tier's store (what `fetch()` through the PoP
 * reads too), each named cache a store of its own beside it. Like Cloudflare's, it never leaves
 * the data centre (no upper tier, no origin): `match` answers from what is stored or not at all.
 * Cloudflare's documented rules ("Cache" in the Workers runtime APIs):
 * - `put` throws a TypeError for a request that is not GET, a 206 response, or `Vary: *`;
 * - `put` does not store a response with `Set-Cookie`, unless `Cache-Control: private=Set-Cookie`
 *   says to store it without that field; nor one that Cache-Control (or CDN-Cache-Control)
 *   forbids (`no-store`, `private`), or whose explicit lifetime is 0 without a validator;
 * - a response with no max-age, s-maxage or Expires gets Cloudflare's default Edge TTL for its
 *   status (EDGE_TTL_DEFAULT_S; the Cache API docs send readers to "Edge TTL"), and other
 *   statuses are not stored;
 * - the request's own headers are not honoured on `put` (its Cache-Control, Authorization),
 *   except the fields the response's Vary names, which select the variant;
 * - `match` of a non-GET request finds nothing unless `ignoreMethod`; it honours If-None-Match /
 *   If-Modified-Since (304) and a single byte Range (206); a stale entry is a miss;
 * - `delete` reports whether something was removed.
 * Purges of the zone (`purgeUrl`, `purgeTag` on the tier) reach the named caches too.
 */
export interface CacheApiBackend {
  match(cacheName: string | null, request: CacheRequest, options?: CacheQueryOptions): CacheResponse | undefined;
  /** True if stored; false if the response was accepted but is not cacheable (Set-Cookie, no-store...). */
  put(cacheName: string | null, request: CacheRequest, response: CacheResponse): boolean;
  delete(cacheName: string | null, request: CacheRequest, options?: CacheQueryOptions): boolean;
}

export interface CacheQueryOptions {
  readonly ignoreMethod?: boolean;
}

/** workerd's messages for the three puts the Cache API refuses. */
export const CACHE_PUT_ERRORS = Object.freeze({
  method: "Cannot cache response to non-GET request.",
  partial: "Cannot cache response to a range request (206 Partial Content).",
  varyStar: "Cannot cache response with 'Vary: *' header.",
});

/**
 * Cloudflare's default Edge TTL by status, in seconds, for a response without a Cache-Control
 * lifetime or Expires ("Edge TTL", Cloudflare's Cache docs): 200, 206 and 301 for 120 minutes,
 * 302 and 303 for 20, 404 and 410 for 3; any other status is not cached by default.
 */
export const EDGE_TTL_DEFAULT_S: Readonly<Record<number, number>> = Object.freeze({ 200: 7200, 206: 7200, 301: 7200, 302: 1200, 303: 1200, 404: 180, 410: 180 });

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export class PopCacheApi implements CacheApiBackend {
  readonly #tier: HttpCache;
  readonly #clock: Clock;

  constructor(tier: HttpCache, clock: Clock) {
    this.#tier = tier;
    this.#clock = clock;
  }

  match(cacheName: string | null, request: CacheRequest, options: CacheQueryOptions = {}): CacheResponse | undefined {
    if (request.method.toUpperCase() !== "GET" && options.ignoreMethod !== true) return undefined;
    const entry = this.#existing(cacheName)?.select(this.#tier.keyOf(request.url), request.headers);
    if (entry === undefined || !this.#tier.isFresh(entry)) return undefined;
    const stored = entry.response;
    const headers = copyFields(stored.headers);
    headers["age"] = String(Math.floor(this.#tier.ageMs(entry) / 1000));
    headers["cf-cache-status"] = "HIT";
    if (clientConditionMet(request, stored)) {
      const notModified = notModifiedFrom({ ...stored, headers });
      return { ...notModified, headers: { ...notModified.headers, "cf-cache-status": "HIT" } };
    }
    const range = request.headers["range"];
    if (range !== undefined && stored.status === 200) return byteRange({ ...stored, headers }, range);
    return { status: stored.status, headers, body: stored.body };
  }

  put(cacheName: string | null, request: CacheRequest, response: CacheResponse): boolean {
    if (request.method.toUpperCase() !== "GET") throw new TypeError(CACHE_PUT_ERRORS.method);
    if (response.status === 206) throw new TypeError(CACHE_PUT_ERRORS.partial);
    if ((response.headers["vary"] ?? "").includes("*")) throw new TypeError(CACHE_PUT_ERRORS.varyStar);
    const toStore = withoutPrivateFields(response);
    if (toStore === null) return false;
    const defaultTtlS = edgeTtlDefaultS(toStore.judged);
    const reason = notStorableReason({ method: "GET", url: request.url, headers: NO_HEADERS }, toStore.judged);
    // Without an explicit lifetime the default Edge TTL decides, not RFC 9111's heuristics.
    const storable = reason === null || ((reason === "status" || reason === "no-freshness") && defaultTtlS !== undefined);
    if (!storable || defaultTtlS === null) return false;
    const now = this.#clock.nowMs();
    const entry = storedEntry(this.#tier.keyOf(request.url), request.headers, toStore.stored, now, now);
    if (defaultTtlS !== undefined) entry.meta = { ...entry.meta, lifetimeMs: defaultTtlS * 1000 };
    this.#store(cacheName).put(entry);
    return true;
  }

  delete(cacheName: string | null, request: CacheRequest, options: CacheQueryOptions = {}): boolean {
    if (request.method.toUpperCase() !== "GET" && options.ignoreMethod !== true) return false;
    return (this.#existing(cacheName)?.deleteKey(this.#tier.keyOf(request.url)) ?? 0) > 0;
  }

  #store(cacheName: string | null): CacheStore {
    return cacheName === null ? this.#tier.store : this.#tier.namedStore(cacheName);
  }

  /** Only `put` makes a named cache's store: a match or delete on an unknown name finds nothing. */
  #existing(cacheName: string | null): CacheStore | undefined {
    return cacheName === null ? this.#tier.store : this.#tier.findNamedStore(cacheName);
  }
}

/**
 * undefined: the response has an explicit lifetime (max-age, s-maxage or Expires, from the
 * field that governs it, RFC 9213); else Cloudflare's default TTL for its status, or null when
 * that status is not cached by default.
 */
function edgeTtlDefaultS(response: CacheResponse): number | null | undefined {
  const { directives, targeted } = effectiveDirectives(response.headers);
  if (directives.maxAgeS !== undefined || directives.sMaxAgeS !== undefined || (!targeted && response.headers["expires"] !== undefined)) return undefined;
  return Object.hasOwn(EDGE_TTL_DEFAULT_S, response.status) ? EDGE_TTL_DEFAULT_S[response.status]! : null;
}

/** A Cache API of its own (one tier that never goes upstream), for a worker run outside an edge. */
export function standaloneCacheApi(clock: Clock): CacheApiBackend {
  const tier = new HttpCache({ clock, upstream: () => Promise.reject(new Error("the Cache API never fetches")) });
  return new PopCacheApi(tier, clock);
}

/**
 * RFC 9111 §5.2.2.7: `private="Set-Cookie"` lets a shared cache store the response without the
 * listed fields. Returns the response to store and the one to judge storability by (the
 * qualified `private` removed); null when a Set-Cookie remains (Cloudflare never caches those).
 */
function withoutPrivateFields(response: CacheResponse): { stored: CacheResponse; judged: CacheResponse } | null {
  const cacheControl = response.headers["cache-control"];
  const qualified = cacheControl === undefined ? null : /(?:^|,)\s*private\s*=\s*("[^"]*"|[^,]*)/i.exec(cacheControl);
  if (qualified === null) return response.headers["set-cookie"] === undefined ? { stored: response, judged: response } : null;
  const fields = qualified[1]!.replace(/^"|"$/g, "").split(",").map((f) => f.trim().toLowerCase()).filter((f) => f !== "");
  const headers = copyFields(response.headers);
  for (const field of fields) delete headers[field];
  if (headers["set-cookie"] !== undefined) return null;
  const stored = { ...response, headers };
  const judgedHeaders = copyFields(headers);
  judgedHeaders["cache-control"] = cacheControl!.replace(qualified[0], "").replace(/^\s*,\s*/, "");
  return { stored, judged: { ...response, headers: judgedHeaders } };
}

/** RFC 9110 §14: one `bytes=a-b`, `bytes=a-` or `bytes=-n` range of a 200; anything else gets the whole body. */
function byteRange(response: CacheResponse, range: string): CacheResponse {
  const m = SINGLE_RANGE.exec(range.trim());
  if (m === null || (m[1] === "" && m[2] === "")) return response;
  const body = typeof response.body === "string" ? new TextEncoder().encode(response.body) : response.body;
  const size = body.byteLength;
  let first: number;
  let last: number;
  if (m[1] === "") {
    first = Math.max(0, size - Number(m[2]));
    last = size - 1;
  } else {
    first = Number(m[1]);
    last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < first) return response;
  }
  const headers = copyFields(response.headers, "content-length");
  if (first >= size || (m[1] === "" && Number(m[2]) === 0)) {
    headers["content-range"] = `bytes */${size}`;
    return { status: 416, headers, body: "" };
  }
  headers["content-range"] = `bytes ${first}-${last}/${size}`;
  return { status: 206, headers, body: body.slice(first, last + 1) };
}
