import type Database from "better-sqlite3";
import type { KvRow, KvTable } from "./kv-table.js";
import { keyBytes } from "./key-bytes.js";

interface KvDbRow {
  key: Buffer;
  value: Buffer;
  metadata_json: string | null;
  expiration: number | null;
  written_at_ms: number;
  writer_pop: string | null;
  seq: number | null;
  tombstone: number | null;
}

/**
 * The `kv_entries` rows of one namespace inside a `SqliteStorage` file. Keys are UTF-8 BLOBs,
 * as in DO storage, so scans run in UTF-8 byte order; callers must not pass lone surrogates.
 */
export class SqliteKvTable implements KvTable {
  readonly #namespace: string;
  readonly #get: Database.Statement;
  readonly #put: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #scan: Database.Statement;
  readonly #scanAfter: Database.Statement;

  constructor(db: Database.Database, namespace: string) {
    this.#namespace = namespace;
    this.#get = db.prepare("SELECT * FROM kv_entries WHERE namespace = ? AND key = ?");
    this.#put = db.prepare("INSERT OR REPLACE INTO kv_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.#delete = db.prepare("DELETE FROM kv_entries WHERE namespace = ? AND key = ?");
    // `@bytes = 0` short-circuits the prefix test: substr of a zero-length BLOB is not equal to one.
    const scan =
      "SELECT * FROM kv_entries WHERE namespace = @ns" +
      " AND (@bytes = 0 OR (key >= @prefix AND substr(key, 1, @bytes) = @prefix))";
    this.#scan = db.prepare(`${scan} ORDER BY key LIMIT @limit`);
    this.#scanAfter = db.prepare(`${scan} AND key > @after ORDER BY key LIMIT @limit`);
  }

  get(key: string): KvRow | undefined {
    const row = this.#get.get(this.#namespace, keyBytes(key)) as KvDbRow | undefined;
    return row === undefined ? undefined : toKvRow(row);
  }

  put(row: KvRow): void {
    this.#put.run(
      this.#namespace,
      keyBytes(row.key),
      row.value,
      row.metadataJson,
      row.expiration,
      row.writtenAtMs,
      row.writerPop ?? null,
      row.seq ?? null,
      row.tombstone === true ? 1 : null,
    );
  }

  delete(key: string): boolean {
    return this.#delete.run(this.#namespace, keyBytes(key)).changes > 0;
  }

  scan(prefix: string, afterKey: string | undefined, limit: number): KvRow[] {
    const prefixBytes = keyBytes(prefix);
    const params = { ns: this.#namespace, prefix: prefixBytes, bytes: prefixBytes.length, limit };
    const rows = (
      afterKey === undefined ? this.#scan.all(params) : this.#scanAfter.all({ ...params, after: keyBytes(afterKey) })
    ) as KvDbRow[];
    return rows.map(toKvRow);
  }
}

function toKvRow(row: KvDbRow): KvRow {
  return {
    key: row.key.toString("utf8"),
    value: new Uint8Array(row.value),
    metadataJson: row.metadata_json,
    expiration: row.expiration,
    writtenAtMs: row.written_at_ms,
    ...(row.writer_pop !== null ? { writerPop: row.writer_pop } : {}),
    ...(row.seq !== null ? { seq: row.seq } : {}),
    ...(row.tombstone === 1 ? { tombstone: true } : {}),
  };
}
