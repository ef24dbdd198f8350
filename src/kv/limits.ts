import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";
import { utf8ByteLength } from "./utf8-order.js";

// Every figure below is Cloudflare's, from the facts registry (src/facts names the page each
// comes from: the Workers KV limits, read, write, list and pricing pages and the changelog of
// 2026-01-30 that lowered the cacheTtl minimum); the error codes are edge-kata's stable names
// for them.

/** "Key size: 512 bytes". */
export const KV_KEY_SIZE_BYTES_MAX = fact("kv.keyBytesMax").value;
/** "Value size: 25 MiB". */
export const KV_VALUE_SIZE_BYTES_MAX = fact("kv.valueBytesMax").value;
/** "Key metadata: 1024 bytes" (measured on the serialised JSON). */
export const KV_METADATA_SIZE_BYTES_MAX = fact("kv.metadataBytesMax").value;
/** expirationTtl and expiration "less than 60 seconds into the future are not supported". */
export const KV_EXPIRATION_TTL_SECONDS_MIN = fact("kv.expirationTtlMinSeconds").value;
/** The minimum cacheTtl is 30 seconds since 2026-01-30 (it was 60 before). */
export const KV_CACHE_TTL_SECONDS_MIN = fact("kv.cacheTtlMinSeconds").value;
/** cacheTtl "defaults to 60 seconds" — the ~60 s the docs quote for a change to be seen elsewhere is this cache timing out. */
export const KV_CACHE_TTL_SECONDS_DEFAULT = fact("kv.cacheTtlDefaultSeconds").value;
/** "Writes to same key: 1 per second"; more get 429 Too Many Requests. */
export const KV_WRITES_PER_KEY_INTERVAL_MS = 1000 / fact("kv.writesPerKeyPerSecond").value;
/** `limit` defaults to and may not exceed 1000. */
export const KV_LIST_LIMIT_MAX = fact("kv.listLimitMax").value;
/** Workers Paid: reads beyond the included 10 million a month cost $0.50 per million. */
export const KV_READ_USD_PER_MILLION = fact("kv.readUsdPerMillion").value;
/** Workers Paid: writes, deletes and lists beyond the included 1 million a month cost $5.00 per million. */
export const KV_WRITE_USD_PER_MILLION = fact("kv.writeUsdPerMillion").value;
/** Workers Free: 100,000 reads a day. */
export const KV_FREE_READS_PER_DAY = fact("kv.freeReadsPerDay").value;
/** Workers Free: 1,000 writes a day (deletes and lists have their own 1,000). */
export const KV_FREE_WRITES_PER_DAY = fact("kv.freeWritesPerDay").value;

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
