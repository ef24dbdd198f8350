import { compareKeys } from "./key-order.js";

/**
 * One stored Workers KV entry as the KV subsystem (src/kv) persists it. The table keeps what KV
 * needs to answer reads and to order concurrent writes; it applies no KV rules itself (limits,
 * expiry checks and last-writer-wins belong to src/kv).
 */
export interface KvRow {
  key: string;
  value: Uint8Array;
  /** Metadata as JSON text, or null when the writer gave none. */
  metadataJson: string | null;
  /** Absolute expiry in seconds since the epoch, as the KV API states it, or null. */
  expiration: number | null;
  /** When the write happened (ms, the writer's clock), for last-writer-wins. */
  writtenAtMs: number;
  /** PoP that accepted the write: the last-writer-wins tie-break after the timestamp. */
  writerPop?: string;
  /** Store-wide write counter: makes every write's stamp unique. */
  seq?: number;
  /** A delete kept as a version, so a late older put cannot resurrect the key (`value` is empty). */
  tombstone?: boolean;
}

/** The KV entries of one namespace. Synchronous, because SQLite through better-sqlite3 is. */
export interface KvTable {
  get(key: string): KvRow | undefined;
  put(row: KvRow): void;
  /** True when the key existed. */
  delete(key: string): boolean;
  /** Up to `limit` rows whose key starts with `prefix` and sorts after `afterKey`, in key order. */
  scan(prefix: string, afterKey: string | undefined, limit: number): KvRow[];
}

/** The in-memory KvTable for simulations. */
export class MemoryKvTable implements KvTable {
  readonly #rows = new Map<string, KvRow>();

  get(key: string): KvRow | undefined {
    const row = this.#rows.get(key);
    return row === undefined ? undefined : copyRow(row);
  }

  put(row: KvRow): void {
    this.#rows.set(row.key, copyRow(row));
  }

  delete(key: string): boolean {
    return this.#rows.delete(key);
  }

  scan(prefix: string, afterKey: string | undefined, limit: number): KvRow[] {
    const keys = [...this.#rows.keys()].filter(
      (key) => key.startsWith(prefix) && (afterKey === undefined || compareKeys(key, afterKey) > 0),
    );
    keys.sort(compareKeys);
    return keys.slice(0, limit).map((key) => copyRow(this.#rows.get(key) as KvRow));
  }
}

function copyRow(row: KvRow): KvRow {
  return { ...row, value: row.value.slice() };
}
