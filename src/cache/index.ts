/**
 * Cache stage: an RFC 9111 shared HTTP cache per PoP (lower tier) that misses to a regional
 * upper tier before the origin, as Cloudflare's Tiered Cache does. It computes freshness
 * (CDN-Cache-Control / Cloudflare-CDN-Cache-Control first, RFC 9213), Age, Vary variants,
 * revalidation with ETag / Last-Modified, stale-while-revalidate and stale-if-error (RFC 5861),
 * invalidation on unsafe methods, purge by URL and Cache-Tag, request coalescing, and reports
 * `cf-cache-status`. All time comes from a `Clock` (read as Unix-epoch milliseconds).
 *
 * Messages are plain `CacheRequest` / `CacheResponse` records (see `http-message.ts` for why),
 * with converters to and from the WHATWG classes.
 */
export {
  type CacheRequest,
  type CacheResponse,
  type Upstream,
  cacheRequest,
  cacheRequestFromRequest,
  cacheResponseFromResponse,
  responseFromCacheResponse,
} from "./http-message.js";
export { parseCacheControl, effectiveDirectives, type CacheDirectives } from "./cache-control.js";
export { formatHttpDate, parseHttpDate } from "./http-date.js";
export {
  notStorableReason,
  freshnessLifetimeMs,
  currentAgeMs,
  HEURISTICALLY_CACHEABLE_STATUSES,
  HEURISTIC_FRACTION,
  HEURISTIC_FRESHNESS_MS_MAX,
  entryMeta,
  type EntryMeta,
  type NotStorableReason,
} from "./freshness.js";
export { invalidatedUrls, UNSAFE_METHODS } from "./invalidation.js";
export { cacheKey, type CacheKeyOptions } from "./cache-key.js";
export { CacheStore, CACHEABLE_OBJECT_BYTES_MAX, type StoredEntry, type CacheStoreOptions } from "./cache-store.js";
export { HttpCache, CACHE_STATUSES, EDGE_ONLY_HEADERS, type CacheStatus, type HttpCacheOptions, type CacheTierStats } from "./http-cache.js";
export { TieredCache, regionalUpperTiers, type TieredCacheOptions } from "./tiered-cache.js";
export { zipfSampler, runZipfWorkload, type ZipfWorkloadOptions, type ZipfWorkloadResult } from "./zipf-workload.js";
export { PopCacheApi, standaloneCacheApi, CACHE_PUT_ERRORS, EDGE_TTL_DEFAULT_S, type CacheApiBackend, type CacheQueryOptions } from "./cache-api.js";
