/**
 * Workers KV: an eventually consistent key-value store. Writes land in a central store and
 * reach the other PoPs after a seeded delay; each PoP serves reads from its own cache for
 * cacheTtl seconds, so a PoP reads its own writes at once and others may read stale data for
 * up to propagation + cacheTtl. Races resolve last-writer-wins (`lww.ts`). Cloudflare's limits
 * (key 512 B, value 25 MiB, metadata 1 KiB, 1 write/s per key, TTL minimums) are enforced with
 * typed `EdgeError`s, and nothing is stored when a call fails.
 */
export { KvStore, type KvStoreOptions } from "./store.js";
export { KvNamespaceAtPop } from "./namespace-at-pop.js";
export { type KvBackend, MemoryKvBackend } from "./backend.js";
export { TableKvBackend } from "./table-backend.js";
export { type Scheduler } from "./scheduler.js";
export { WallScheduler } from "./wall-scheduler.js";
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
  KV_PROPAGATION_MS_MAX_DEFAULT,
} from "./limits.js";
