import Database from "better-sqlite3";
import { EdgeError } from "../core/errors.js";
import { keyBytes } from "./key-bytes.js";
import { SqliteKvTable } from "./sqlite-kv-table.js";
import type { KvTable } from "./kv-table.js";
import type { ListRange, ObjectKey, StorageEngine, StoredAlarm, WriteBatch, WriteResult } from "./storage-engine.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS do_entries (
  namespace TEXT NOT NULL, object_id TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
  PRIMARY KEY (namespace, object_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS do_alarms (
  namespace TEXT NOT NULL, object_id TEXT NOT NULL, alarm_ms REAL NOT NULL,
  PRIMARY KEY (namespace, object_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS do_migrations (position INTEGER PRIMARY KEY, tag TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kv_entries (
  namespace TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, metadata_json TEXT,
  expiration REAL, written_at_ms REAL NOT NULL, writer_pop TEXT, seq INTEGER, tombstone INTEGER,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
`;

interface EntryRow {
  key: Buffer;
  value: Buffer;
}

/**
 * Durable storage for the real server: one SQLite file holding Durable Object storage and the
 * Workers KV table.
 *
 * WAL with synchronous=FULL makes every commit fsync the log before it returns (SQLite's
 * "PRAGMA synchronous" documentation), so a write that was acknowledged survives the process
 * being killed, and, unlike NORMAL, a power cut too. Keys are stored as BLOBs of their UTF-8
 * bytes: BLOBs compare with memcmp, which is the order `compareKeys` gives the in-memory engine,
 * and unlike TEXT they keep an embedded NUL intact (SQLite's string functions stop at it).
 * Callers must not pass lone surrogates, which have no UTF-8 form (the DO layer rejects them).
 */
export class SqliteStorage implements StorageEngine {
  readonly #db: Database.Database;
  readonly #applyBatch: (object: ObjectKey, batch: WriteBatch) => WriteResult;
  readonly #readOne: Database.Statement;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#readOne = db.prepare("SELECT value FROM do_entries WHERE namespace = ? AND object_id = ? AND key = ?");
    const deleteAll = db.prepare("DELETE FROM do_entries WHERE namespace = ? AND object_id = ?");
    const del = db.prepare("DELETE FROM do_entries WHERE namespace = ? AND object_id = ? AND key = ?");
    const put = db.prepare("INSERT OR REPLACE INTO do_entries VALUES (?, ?, ?, ?)");
    const clearAlarm = db.prepare("DELETE FROM do_alarms WHERE namespace = ? AND object_id = ?");
    const setAlarm = db.prepare("INSERT OR REPLACE INTO do_alarms VALUES (?, ?, ?)");
    this.#applyBatch = db.transaction((object: ObjectKey, batch: WriteBatch): WriteResult => {
      const { namespace, objectId } = object;
      if (batch.deleteAll === true) deleteAll.run(namespace, objectId);
      let deletedCount = 0;
      for (const key of batch.deletes ?? []) deletedCount += del.run(namespace, objectId, keyBytes(key)).changes;
      for (const [key, value] of batch.puts ?? []) put.run(namespace, objectId, keyBytes(key), value);
      if (batch.alarmMs === null) clearAlarm.run(namespace, objectId);
      else if (batch.alarmMs !== undefined) setAlarm.run(namespace, objectId, batch.alarmMs);
      return { deletedCount };
    });
  }

  /** Opens (creating if needed) the database file at `path`; `:memory:` works for tests. */
  static open(path: string): SqliteStorage {
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (error) {
      throw new EdgeError("STORAGE_OPEN_FAILED", 500, `cannot open storage at ${path}: ${String(error)}`);
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(SCHEMA);
    return new SqliteStorage(db);
  }

  /** The Workers KV entries of one namespace. */
  kvTable(namespace: string): KvTable {
    return new SqliteKvTable(this.#db, namespace);
  }

  close(): void {
    this.#db.close();
  }

  /** Durable Object migration tags applied so far, in order. */
  migrationTags(): string[] {
    return (this.#db.prepare("SELECT tag FROM do_migrations ORDER BY position").pluck().all() as string[]);
  }

  /** Remembers the applied migration tags (the whole list, in order). */
  recordMigrationTags(tags: readonly string[]): void {
    this.#db.transaction(() => {
      this.#db.exec("DELETE FROM do_migrations");
      const insert = this.#db.prepare("INSERT INTO do_migrations (position, tag) VALUES (?, ?)");
      tags.forEach((tag, i) => insert.run(i, tag));
    })();
  }

  /** Reads a pragma's value (for checks such as "is WAL on"). */
  pragma(name: string): unknown {
    return this.#db.pragma(name, { simple: true });
  }

  // The engine methods are async so that a SQLite error (thrown synchronously by
  // better-sqlite3) reaches the caller as a rejected promise, like any other engine's failure.
  async read(object: ObjectKey, keys: readonly string[]): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    for (const key of keys) {
      const row = this.#readOne.get(object.namespace, object.objectId, keyBytes(key)) as { value: Buffer } | undefined;
      if (row !== undefined) found.set(key, new Uint8Array(row.value));
    }
    return found;
  }

  async list(object: ObjectKey, range: ListRange): Promise<Array<[string, Uint8Array]>> {
    const where = ["namespace = @namespace", "object_id = @objectId"];
    if (range.start !== undefined) where.push("key >= @start");
    if (range.startAfter !== undefined) where.push("key > @startAfter");
    if (range.end !== undefined) where.push("key < @end");
    // On a BLOB, substr counts bytes. An empty prefix matches everything (and substr of a
    // zero-length BLOB would not compare equal to one).
    if (range.prefix !== undefined && range.prefix !== "") where.push("key >= @prefix AND substr(key, 1, @prefixBytes) = @prefix");
    const order = range.reverse === true ? "DESC" : "ASC";
    const limit = range.limit === undefined ? "" : "LIMIT @limit";
    const sql = `SELECT key, value FROM do_entries WHERE ${where.join(" AND ")} ORDER BY key ${order} ${limit}`;
    const rows = this.#db.prepare(sql).all({
      namespace: object.namespace,
      objectId: object.objectId,
      ...(range.start !== undefined && { start: keyBytes(range.start) }),
      ...(range.startAfter !== undefined && { startAfter: keyBytes(range.startAfter) }),
      ...(range.end !== undefined && { end: keyBytes(range.end) }),
      ...(range.prefix !== undefined &&
        range.prefix !== "" && { prefix: keyBytes(range.prefix), prefixBytes: keyBytes(range.prefix).length }),
      ...(range.limit !== undefined && { limit: range.limit }),
    }) as EntryRow[];
    return rows.map((row) => [row.key.toString("utf8"), new Uint8Array(row.value)]);
  }

  async write(object: ObjectKey, batch: WriteBatch): Promise<WriteResult> {
    return this.#applyBatch(object, batch);
  }

  async getAlarm(object: ObjectKey): Promise<number | null> {
    const row = this.#db
      .prepare("SELECT alarm_ms FROM do_alarms WHERE namespace = ? AND object_id = ?")
      .get(object.namespace, object.objectId) as { alarm_ms: number } | undefined;
    return row?.alarm_ms ?? null;
  }

  async listAlarms(): Promise<StoredAlarm[]> {
    const rows = this.#db.prepare("SELECT namespace, object_id, alarm_ms FROM do_alarms").all() as Array<{
      namespace: string;
      object_id: string;
      alarm_ms: number;
    }>;
    return rows.map((r) => ({ object: { namespace: r.namespace, objectId: r.object_id }, alarmMs: r.alarm_ms }));
  }
}
