import type { KvRow, KvTable } from "../storage/kv-table.js";
import type { KvBackend } from "./backend.js";
import type { StoredVersion } from "./version.js";

/**
 * The KV central store on a `KvTable` from src/storage — SQLite in server mode, so `npm start`
 * keeps KV data across restarts (and across SIGKILL: SQLite commits before `put` returns).
 * Versions map to rows one to one; a tombstone is a row with an empty value and its flag set.
 */
export class TableKvBackend implements KvBackend {
  readonly #tables = new Map<string, KvTable>();
  readonly #tableFor: (namespaceId: string) => KvTable;

  constructor(tableFor: (namespaceId: string) => KvTable) {
    this.#tableFor = tableFor;
  }

  get(namespaceId: string, key: string): StoredVersion | undefined {
    const row = this.#table(namespaceId).get(key);
    return row === undefined ? undefined : toVersion(row);
  }

  put(namespaceId: string, key: string, version: StoredVersion): void {
    this.#table(namespaceId).put(toRow(key, version));
  }

  scan(namespaceId: string, range: { prefix: string; afterKey?: string; limit: number }): Array<[string, StoredVersion]> {
    return this.#table(namespaceId)
      .scan(range.prefix, range.afterKey, range.limit)
      .map((row) => [row.key, toVersion(row)]);
  }

  #table(namespaceId: string): KvTable {
    let table = this.#tables.get(namespaceId);
    if (!table) {
      table = this.#tableFor(namespaceId);
      this.#tables.set(namespaceId, table);
    }
    return table;
  }
}

function toRow(key: string, version: StoredVersion): KvRow {
  return {
    key,
    value: version.value ?? new Uint8Array(0),
    metadataJson: version.metadataJson ?? null,
    expiration: version.expirationSec ?? null,
    writtenAtMs: version.stamp.timestampMs,
    writerPop: version.stamp.writerPop,
    seq: version.stamp.seq,
    ...(version.value === null ? { tombstone: true } : {}),
  };
}

function toVersion(row: KvRow): StoredVersion {
  return {
    stamp: { timestampMs: row.writtenAtMs, writerPop: row.writerPop ?? "", seq: row.seq ?? 0 },
    value: row.tombstone === true ? null : row.value,
    ...(row.metadataJson !== null ? { metadataJson: row.metadataJson } : {}),
    ...(row.expiration !== null ? { expirationSec: row.expiration } : {}),
  };
}
