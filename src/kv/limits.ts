import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";
import { utf8ByteLength } from "./utf8-order.js";

// Every figure below is Cloudflare's, from the facts registry (src/facts names the page each
// comes from: the "Workers KV limits" page and the KV API reference); the error codes are
// edge-kata's stable names for them.

/** "Key size: 512 bytes". */
export const KV_KEY_SIZE_BYTES_MAX = fact("kv.keyBytesMax").value;
/** "Value size: 25 MiB". */
export const KV_VALUE_SIZE_BYTES_MAX = fact("kv.valueBytesMax").value;
/** "Metadata size: 1024 bytes" (serialised JSON). */
export const KV_METADATA_SIZE_BYTES_MAX = fact("kv.metadataBytesMax").value;
/** expirationTtl below 60 seconds is not supported. */
export const KV_EXPIRATION_TTL_SECONDS_MIN = fact("kv.expirationTtlMinSeconds").value;
/** The cacheTtl minimum is 30 seconds. */
export const KV_CACHE_TTL_SECONDS_MIN = fact("kv.cacheTtlMinSeconds").value;
/** cacheTtl defaults to 60 seconds. */
export const KV_CACHE_TTL_SECONDS_DEFAULT = fact("kv.cacheTtlDefaultSeconds").value;
/** "1 write per second to the same key". */
export const KV_WRITES_PER_KEY_INTERVAL_MS = 1000 / fact("kv.writesPerKeyPerSecond").value;
/** `limit` defaults to and may not exceed 1000. */
export const KV_LIST_LIMIT_MAX = fact("kv.listLimitMax").value;
/** Changes may take "up to 60 seconds or more" to reach other locations. */
export const KV_PROPAGATION_MS_MAX_DEFAULT = fact("kv.visibilitySeconds").value * 1000;

export function validateKey(key: unknown): string {
  if (typeof key !== "string") throw new EdgeError("KV_KEY_INVALID", 400, `key must be a string, got ${typeof key}`);
  if (key.length === 0) throw new EdgeError("KV_KEY_EMPTY", 400, "key is empty; keys need at least one byte");
  // Cloudflare rejects "." and ".." because keys become URL path segments in its REST API.
  if (key === "." || key === "..") throw new EdgeError("KV_KEY_INVALID", 400, `key "${key}" is not allowed`);
  // Keys travel and are stored as UTF-8; a lone surrogate has no UTF-8 form and would be
  // replaced by U+FFFD, silently merging two different keys into one.
  if (!key.isWellFormed()) throw new EdgeError("KV_KEY_INVALID", 400, "key contains a lone UTF-16 surrogate; keys must be valid Unicode");
  const bytes = utf8ByteLength(key);
  if (bytes > KV_KEY_SIZE_BYTES_MAX) {
    throw new EdgeError("KV_KEY_TOO_LARGE", 414, `key is ${bytes} bytes; the limit is ${KV_KEY_SIZE_BYTES_MAX}`);
  }
  return key;
}

export function validateValueSize(bytes: number): void {
  if (bytes > KV_VALUE_SIZE_BYTES_MAX) {
    throw new EdgeError("KV_VALUE_TOO_LARGE", 413, `value is ${bytes} bytes; the limit is ${KV_VALUE_SIZE_BYTES_MAX}`);
  }
}

/** Returns the metadata serialised as JSON, or undefined when there is none. */
export function serialiseMetadata(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(metadata);
  } catch (error) {
    throw new EdgeError("KV_METADATA_INVALID", 400, `metadata is not JSON-serialisable: ${String(error)}`);
  }
  if (json === undefined) throw new EdgeError("KV_METADATA_INVALID", 400, "metadata is not JSON-serialisable");
  const bytes = utf8ByteLength(json);
  if (bytes > KV_METADATA_SIZE_BYTES_MAX) {
    throw new EdgeError("KV_METADATA_TOO_LARGE", 413, `metadata is ${bytes} bytes serialised; the limit is ${KV_METADATA_SIZE_BYTES_MAX}`);
  }
  return json;
}

/**
 * Absolute expiry in seconds since the epoch, or undefined. When both options are given,
 * `expirationTtl` wins: it is the relative form and cannot be in the past by clock skew.
 */
export function resolveExpirationSec(nowMs: number, expiration?: number, expirationTtl?: number): number | undefined {
  const nowSec = nowMs / 1000;
  if (expirationTtl !== undefined) {
    if (!Number.isFinite(expirationTtl) || expirationTtl < KV_EXPIRATION_TTL_SECONDS_MIN) {
      throw new EdgeError("KV_EXPIRATION_TTL_TOO_SMALL", 400, `expirationTtl is ${expirationTtl}; the minimum is ${KV_EXPIRATION_TTL_SECONDS_MIN} seconds`);
    }
    return Math.floor(nowSec + expirationTtl);
  }
  if (expiration !== undefined) {
    if (!Number.isFinite(expiration) || expiration < nowSec + KV_EXPIRATION_TTL_SECONDS_MIN) {
      throw new EdgeError("KV_EXPIRATION_TOO_SOON", 400, `expiration ${expiration} is less than ${KV_EXPIRATION_TTL_SECONDS_MIN} seconds after now (${Math.floor(nowSec)})`);
    }
    return Math.floor(expiration);
  }
  return undefined;
}

export function resolveCacheTtlMs(cacheTtl?: number): number {
  if (cacheTtl === undefined) return KV_CACHE_TTL_SECONDS_DEFAULT * 1000;
  if (!Number.isFinite(cacheTtl) || cacheTtl < KV_CACHE_TTL_SECONDS_MIN) {
    throw new EdgeError("KV_CACHE_TTL_TOO_SMALL", 400, `cacheTtl is ${cacheTtl}; the minimum is ${KV_CACHE_TTL_SECONDS_MIN} seconds`);
  }
  return cacheTtl * 1000;
}

export function validateListLimit(limit?: number): number {
  if (limit === undefined) return KV_LIST_LIMIT_MAX;
  if (!Number.isInteger(limit) || limit < 1 || limit > KV_LIST_LIMIT_MAX) {
    throw new EdgeError("KV_LIST_LIMIT_INVALID", 400, `list limit is ${limit}; it must be an integer from 1 to ${KV_LIST_LIMIT_MAX}`);
  }
  return limit;
}
