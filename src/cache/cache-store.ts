import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";
import type { CacheResponse } from "./http-message.js";
import type { EntryMeta } from "./freshness.js";
import { bodySizeBytes } from "./http-message.js";
import { normalizeVaryValue, varyNames } from "./cache-key.js";

// Cloudflare's maximum cacheable file size on Free/Pro/Business plans is 512 MB (facts
// registry); the store rejects larger entries.
export const CACHEABLE_OBJECT_BYTES_MAX = fact("cache.cacheableFileBytesMax").value;

/** One stored response (one variant of one primary key) with the times §4.2.3 needs. */
export interface StoredEntry {
  readonly key: string;
  /** Request header values the response's Vary names, as sent by the request that stored it. */
  readonly varyValues: Readonly<Record<string, string | undefined>>;
  response: CacheResponse;
  requestTimeMs: number;
  responseTimeMs: number;
  /** Derived from the response and the times once per store or 304 (parsing is not free). */
  meta: EntryMeta;
  readonly tags: readonly string[];
  readonly sizeBytes: number;
}

export interface CacheStoreOptions {
  /** Total body bytes kept; least recently used entries go first. @defaultValue 64 MiB */
  readonly capacityBytes?: number;
}

/** Variants by primary key, evicted LRU by bytes, with a Cache-Tag index for purges. */
export class CacheStore {
  readonly #capacityBytes: number;
  readonly #byKey = new Map<string, StoredEntry[]>();
  readonly #byTag = new Map<string, Set<string>>();
  #sizeBytes = 0;

  constructor(options: CacheStoreOptions = {}) {
    this.#capacityBytes = options.capacityBytes ?? 64 * 1024 * 1024;
  }

  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  get keyCount(): number {
    return this.#byKey.size;
  }

  /** The variant whose stored Vary values match this request's headers (§4.1). */
  select(key: string, headers: Readonly<Record<string, string>>): StoredEntry | undefined {
    const variants = this.#byKey.get(key);
    if (!variants) return undefined;
    let hit: StoredEntry | undefined;
    for (const v of variants) {
      if (varyValuesMatch(v.varyValues, headers)) {
        hit = v;
        break;
      }
    }
    if (hit) {
      this.#byKey.delete(key);
      this.#byKey.set(key, variants);
    }
    return hit;
  }

  put(entry: StoredEntry): void {
    if (entry.sizeBytes > CACHEABLE_OBJECT_BYTES_MAX) {
      throw new EdgeError("CACHE_OBJECT_TOO_LARGE", 413, `response is ${entry.sizeBytes} bytes; the limit is ${CACHEABLE_OBJECT_BYTES_MAX}`);
    }
    const existing = this.#byKey.get(entry.key);
    // A first variant goes into a one-element array (pushing onto an empty one reserves 17 slots).
    const variants = existing === undefined ? [entry] : existing.filter((v) => {
      const same = sameVariant(v, entry);
      if (same) this.#sizeBytes -= v.sizeBytes;
      return !same;
    });
    if (existing !== undefined) variants.push(entry);
    this.#byKey.delete(entry.key);
    this.#byKey.set(entry.key, variants);
    this.#sizeBytes += entry.sizeBytes;
    for (const tag of entry.tags) {
      let keys = this.#byTag.get(tag);
      if (!keys) this.#byTag.set(tag, (keys = new Set()));
      keys.add(entry.key);
    }
    this.#evict();
  }

  /** Removes every variant of a primary key; returns how many were removed. */
  deleteKey(key: string): number {
    const variants = this.#byKey.get(key);
    if (!variants) return 0;
    for (const v of variants) this.#sizeBytes -= v.sizeBytes;
    this.#byKey.delete(key);
    return variants.length;
  }

  deleteTag(tag: string): number {
    const keys = this.#byTag.get(tag.toLowerCase());
    if (!keys) return 0;
    let removed = 0;
    for (const key of keys) removed += this.deleteKey(key);
    this.#byTag.delete(tag.toLowerCase());
    return removed;
  }

  #evict(): void {
    if (this.#sizeBytes <= this.#capacityBytes) return;
    for (const [key] of this.#byKey) {
      if (this.#sizeBytes <= this.#capacityBytes) break;
      this.deleteKey(key);
    }
  }
}

/** Every stored Vary value equals the request's normalised value (no Vary: always true). */
function varyValuesMatch(varyValues: Readonly<Record<string, string | undefined>>, headers: Readonly<Record<string, string>>): boolean {
  for (const name of Object.keys(varyValues)) if (normalizeVaryValue(headers[name]) !== varyValues[name]) return false;
  return true;
}

function sameVariant(a: StoredEntry, b: StoredEntry): boolean {
  const names = new Set([...Object.keys(a.varyValues), ...Object.keys(b.varyValues)]);
  for (const n of names) if (a.varyValues[n] !== b.varyValues[n]) return false;
  return true;
}

/** Cache-Tag values of a response (comma-separated, case-insensitive as on Cloudflare). */
export function cacheTags(response: CacheResponse): string[] {
  const field = response.headers["cache-tag"];
  if (field === undefined || field === "") return [];
  return field
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
}

export function entrySizeBytes(response: CacheResponse): number {
  // Headers count too, roughly, so a flood of empty bodies still uses capacity.
  let headerBytes = 0;
  const headers = response.headers;
  for (const name of Object.keys(headers)) headerBytes += name.length + (headers[name] as string).length;
  return bodySizeBytes(response.body) + 200 + headerBytes;
}

export { varyNames };
