/**
 * Workers KV: an eventually consistent key-value store that caches where it is read. Writes
 * go to the central stores; a read is served by the reading PoP's cache, else its regional
 * tier, else the central store, each copy kept for the read's cacheTtl ("not found" too).
 * Nothing is pushed to PoPs, so a PoP sees a write once its cached copy times out; the writer
 * usually sees it at once (a seeded exception models "usually"). Races resolve
 * last-writer-wins (`lww.ts`). Cloudflare's limits (key 512 B, value 25 MiB, metadata 1 KiB,
 * 1 write/s per key, TTL minimums) are enforced with typed `EdgeError`s, and nothing is
 * stored when a call fails. README.md in this folder draws the model.
 */
export { KvStore, type KvStoreOptions, KV_OWN_WRITE_MISS_PROBABILITY_DEFAULT, KV_CACHE_ENTRIES_MAX_DEFAULT } from "./store.js";
export { KvNamespaceAtPop } from "./namespace-at-pop.js";
export { type KvBackend, MemoryKvBackend } from "./backend.js";
export { TableKvBackend } from "./table-backend.js";
export { CacheLayer, type CachedCopy } from "./cache-layer.js";
export { type KvReadSource, KV_CENTRAL_STORE_CITIES, KV_TIER_HUB_BY_REGION, defaultTierOf, readNetworkMs } from "./topology.js";
export { staleReadProbability } from "./staleness.js";
export { compareStamps, merge } from "./lww.js";
export { type Stamp, type StoredVersion, isLive } from "./version.js";
export { compareUtf8, utf8ByteLength } from "./utf8-order.js";
export { encodeCursor, decodeCursor } from "./cursor.js";
export {
  KV_KEY_SIZE_BYTES_MAX,
  KV_VALUE_SIZE_BYTES_MAX,
  KV_METADATA_SIZE_BYTES_MAX,
  KV_EXPIRATION_TTL_SECONDS_MIN,
  KV_CACHE_TTL_SECONDS_MIN,
  KV_CACHE_TTL_SECONDS_DEFAULT,
  KV_WRITES_PER_KEY_INTERVAL_MS,
  KV_LIST_LIMIT_MAX,
  KV_READ_USD_PER_MILLION,
  KV_WRITE_USD_PER_MILLION,
  KV_FREE_READS_PER_DAY,
  KV_FREE_WRITES_PER_DAY,
} from "./limits.js";
