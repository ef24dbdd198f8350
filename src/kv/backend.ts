import { compareUtf8 } from "./utf8-order.js";
import type { StoredVersion } from "./version.js";

/**
 * The central store of every namespace, and the whole persistence hook of Workers KV here:
 * three synchronous calls, so a SQLite implementation (better-sqlite3 is synchronous) can
 * replace the in-memory one without touching the cache logic.
 *
 * Contract:
 * - `put` replaces the version of a key (the caller has already applied the LWW merge);
 *   tombstones are versions too and must be stored and returned like any other.
 * - `scan` returns up to `limit` entries whose key starts with `prefix` and sorts strictly
 *   after `afterKey`, ordered by the keys' UTF-8 bytes (`compareUtf8`). Stored as a BLOB of
 *   UTF-8, SQLite's default BINARY collation gives the same order.
 */
export interface KvBackend {
  get(namespaceId: string, key: string): StoredVersion | undefined;
  put(namespaceId: string, key: string, version: StoredVersion): void;
  scan(namespaceId: string, range: { prefix: string; afterKey?: string; limit: number }): Array<[string, StoredVersion]>;
}

/** Keeps each namespace as a map plus a key array kept sorted by UTF-8 bytes. */
export class MemoryKvBackend implements KvBackend {
  readonly #namespaces = new Map<string, { versions: Map<string, StoredVersion>; sortedKeys: string[] }>();

  get(namespaceId: string, key: string): StoredVersion | undefined {
    return this.#namespaces.get(namespaceId)?.versions.get(key);
  }

  put(namespaceId: string, key: string, version: StoredVersion): void {
    let ns = this.#namespaces.get(namespaceId);
    if (!ns) {
      ns = { versions: new Map(), sortedKeys: [] };
      this.#namespaces.set(namespaceId, ns);
    }
    if (!ns.versions.has(key)) ns.sortedKeys.splice(lowerBound(ns.sortedKeys, key), 0, key);
    ns.versions.set(key, version);
  }

  scan(namespaceId: string, range: { prefix: string; afterKey?: string; limit: number }): Array<[string, StoredVersion]> {
    const ns = this.#namespaces.get(namespaceId);
    if (!ns) return [];
    const { prefix, afterKey, limit } = range;
    let i = lowerBound(ns.sortedKeys, prefix);
    if (afterKey !== undefined && compareUtf8(afterKey, prefix) >= 0) {
      i = lowerBound(ns.sortedKeys, afterKey);
      if (ns.sortedKeys[i] === afterKey) i++;
    }
    const out: Array<[string, StoredVersion]> = [];
    for (; i < ns.sortedKeys.length && out.length < limit; i++) {
      const key = ns.sortedKeys[i] as string;
      if (!key.startsWith(prefix)) break;
      out.push([key, ns.versions.get(key) as StoredVersion]);
    }
    return out;
  }
}

/** Index of the first key that does not sort before `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareUtf8(sorted[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
