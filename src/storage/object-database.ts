import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { EdgeError, assert } from "../core/errors.js";
import { keyBytes } from "./key-bytes.js";
import { HISTORY_SCHEMA, dropTriggers, dropUserObjects, dumpScript, quoteName, runScript, sequencesSql, trackedTables, undoTriggers } from "./sql-history.js";
import type { ListRange } from "./storage-engine.js";

/** A value SQLite hands back or takes: NULL, INTEGER/REAL, TEXT, BLOB. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** One statement to run, already checked by the caller's policy. */
export interface SqlStatement {
  readonly text: string;
  readonly changesSchema: boolean;
  /** Parameter names in SQLite's numbering (null for `?`); bindings are given by position. */
  readonly parameters: ReadonlyArray<string | null>;
}

export interface SqlResult {
  readonly columnNames: string[];
  readonly rows: SqlValue[][];
  readonly rowsWritten: number;
}

export interface ObjectDatabaseOptions {
  /** ":memory:" or a file path. */
  path: string;
  /** Distinguishes this object's bookmarks from another's. */
  name: string;
  nowMs: () => number;
  /** Keep the undo history for point-in-time recovery. @defaultValue true */
  history?: boolean;
  /** Largest stored row, checked by a trigger on every user table. */
  rowBytesMax: number;
  /** Most columns a table may have. */
  columnsMax: number;
  /** Largest database file (pages beyond it fail with SQLITE_FULL). */
  databaseBytesMax: number;
  /** How far back bookmarks reach; older history is pruned. */
  historyWindowMs: number;
}

/** A point in history: after every transaction numbered up to (session, seq). */
interface HistoryPoint {
  session: number;
  seq: number;
}

/** User statements kept prepared per object (plus the platform's own few). */
const STATEMENT_CACHE_MAX = 128;

const KV_SCHEMA = "CREATE TABLE IF NOT EXISTS _cf_KV (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;";

/**
 * The private SQLite database of one SQLite-backed Durable Object, as on Cloudflare: user tables
 * beside the key-value table `_cf_KV` and the platform's history. Synchronous, because SQLite is
 * and Cloudflare's SQL API is. It applies no Durable Object policy (the caller vets SQL); it
 * keeps the database consistent: one implicit transaction at a time, savepoints inside it,
 * limit and undo triggers on every table.
 */
export class ObjectDatabase {
  readonly #db: Database.Database;
  readonly #options: ObjectDatabaseOptions;
  readonly #history: boolean;
  #txn = 0;
  #wrote = false;
  #recording = true;
  #session = 0;
  /** Last committed transaction number and this session's last sequence number. */
  #lastTxn = 0;
  #lastSeq = 0;
  #savepoints = 0;
  /** Prepared statements by SQL text: the platform's, and the user's most recent ones. */
  readonly #statements = new Map<string, Database.Statement>();
  readonly #held: string[] = [];
  #owner: { abandon(): void } | undefined;
  /** The committed AUTOINCREMENT counters, as the SQL that sets them (see #recordSequences). */
  #sequences = NO_SEQUENCES;

  private constructor(db: Database.Database, options: ObjectDatabaseOptions) {
    this.#db = db;
    this.#options = options;
    this.#history = options.history ?? true;
  }

  static open(options: ObjectDatabaseOptions): ObjectDatabase {
    let db: Database.Database;
    try {
      db = new Database(options.path);
    } catch (error) {
      throw new EdgeError("STORAGE_OPEN_FAILED", 500, `cannot open object database ${options.path}: ${String(error)}`);
    }
    if (options.path !== ":memory:") {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    const page = db.pragma("page_size", { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.databaseBytesMax / page))}`);
    const od = new ObjectDatabase(db, options);
    db.function("_cf_txn", { deterministic: false }, () => od.#noteWrite());
    db.function("_cf_recording", { deterministic: false }, () => (od.#recording ? 1 : 0));
    db.exec(KV_SCHEMA + HISTORY_SCHEMA);
    od.#session = Number(od.#meta("session") ?? 0);
    od.#loadCounters();
    od.#rebuildTriggers();
    od.#sequences = od.#sequencesNow();
    return od;
  }

  #loadCounters(): void {
    this.#lastTxn = (this.#prepare("SELECT max(txn) AS m FROM _cf_TXN").get() as { m: number | null }).m ?? 0;
    this.#lastSeq = (this.#prepare("SELECT max(seq) AS m FROM _cf_TXN WHERE session = ?").get(this.#session) as { m: number | null }).m ?? 0;
  }

  /**
   * Prepares through a cache of STATEMENT_CACHE_MAX entries (oldest evicted): better-sqlite3
   * statements re-prepare themselves after a schema change, so a cached one stays valid.
   */
  #prepare(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, stmt);
      return stmt;
    }
    stmt = this.#db.prepare(sql);
    this.#statements.set(sql, stmt);
    if (this.#statements.size > STATEMENT_CACHE_MAX) this.#statements.delete(this.#statements.keys().next().value as string);
    return stmt;
  }

  close(): void {
    if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
    this.#db.close();
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  /**
   * Makes `owner` the one instance using this database. A previous owner's uncommitted
   * transaction is abandoned (rolled back, its waiters told) first: an instance that was
   * replaced must not commit after its successor has started.
   */
  claim(owner: { abandon(): void }): void {
    const previous = this.#owner;
    this.#owner = owner;
    if (previous !== undefined && previous !== owner && this.#db.inTransaction) previous.abandon();
    if (this.#db.inTransaction) this.rollback();
  }

  // ---- Transactions -------------------------------------------------------------------

  /** Opens the implicit transaction (deferred: it takes the write lock on its first write). */
  begin(): void {
    assert(!this.#db.inTransaction, "one implicit transaction at a time");
    this.#db.exec("BEGIN");
    this.#wrote = false;
    this.#txn = this.#lastTxn + 1;
  }

  /** Commits; a transaction that wrote is recorded in the history with its time. */
  commit(): void {
    assert(this.#db.inTransaction, "commit needs an open transaction");
    const recorded = this.#wrote && this.#history;
    let sequences: string | undefined;
    if (recorded) {
      sequences = this.#recordSequences();
      this.#prepare("INSERT INTO _cf_TXN (txn, session, seq, at_ms) VALUES (?, ?, ?, ?)").run(this.#txn, this.#session, this.#lastSeq + 1, this.#options.nowMs());
    }
    this.#db.exec("COMMIT");
    if (recorded) {
      this.#lastTxn = this.#txn;
      this.#lastSeq++;
      this.#sequences = sequences as string;
    }
  }

  /**
   * AUTOINCREMENT counters live in `sqlite_sequence`, a system table that takes no trigger: when
   * this transaction moved one, the statements that put back the committed counters are saved
   * as its last undo entry (so a restore applies them first). Returns the counters as SQL.
   */
  #recordSequences(): string {
    const now = this.#sequencesNow();
    if (now !== this.#sequences) this.#prepare("INSERT INTO _cf_UNDO (txn, kind, body) VALUES (?, 'sql', ?)").run(this.#txn, this.#sequences);
    return now;
  }

  /** `sequencesSql` of the database, or no counters before the first AUTOINCREMENT table. */
  #sequencesNow(): string {
    const exists = this.#prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;
    return exists ? sequencesSql(this.#db) : NO_SEQUENCES;
  }

  rollback(): void {
    if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
    this.#savepoints = 0;
    this.#held.length = 0;
  }

  /** Runs `fn` inside a savepoint of the open transaction: all of it, or none if it throws. */
  atomically<T>(fn: () => T): T {
    assert(this.#db.inTransaction, "savepoints live inside the implicit transaction");
    const name = `_cf_sp${++this.#savepoints}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn();
      this.#db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      // SQLite may already have rolled the whole transaction back (SQLITE_FULL, say).
      if (this.#db.inTransaction) this.#db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    } finally {
      this.#savepoints--;
    }
  }

  /** Opens a savepoint that outlives this call (transaction() holding across awaits). */
  openSavepoint(): void {
    assert(this.#db.inTransaction, "savepoints live inside the implicit transaction");
    const name = `_cf_sp${++this.#savepoints}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    this.#held.push(name);
  }

  /** Ends the newest held savepoint: keeps its writes, or rolls them back. */
  closeSavepoint(keep: boolean): void {
    const name = this.#held.pop();
    assert(name !== undefined, "a held savepoint to close");
    this.#savepoints--;
    if (!this.#db.inTransaction) return;
    this.#db.exec(keep ? `RELEASE ${name}` : `ROLLBACK TO ${name}; RELEASE ${name}`);
  }

  #noteWrite(): number {
    this.#wrote = true;
    return this.#txn;
  }

  // ---- Key-value table ----------------------------------------------------------------

  kvGet(keys: readonly string[]): Map<string, Uint8Array> {
    const get = this.#prepare("SELECT value FROM _cf_KV WHERE key = ?").pluck();
    const found = new Map<string, Uint8Array>();
    for (const key of keys) {
      const value = get.get(keyBytes(key)) as Buffer | undefined;
      if (value !== undefined) found.set(key, new Uint8Array(value));
    }
    return found;
  }

  kvPut(entries: ReadonlyArray<readonly [string, Uint8Array]>): void {
    const put = this.#prepare("INSERT INTO _cf_KV (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    this.atomically(() => {
      for (const [key, value] of entries) put.run(keyBytes(key), value);
    });
    this.#wrote = true;
  }

  kvDelete(keys: readonly string[]): number {
    const del = this.#prepare("DELETE FROM _cf_KV WHERE key = ?");
    return this.atomically(() => keys.reduce((n, key) => n + del.run(keyBytes(key)).changes, 0));
  }

  kvList(range: ListRange): Array<[string, Uint8Array]> {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const bound = (name: string, key: string, clause: string): void => {
      where.push(clause);
      params[name] = keyBytes(key);
    };
    if (range.start !== undefined) bound("start", range.start, "key >= @start");
    if (range.startAfter !== undefined) bound("startAfter", range.startAfter, "key > @startAfter");
    if (range.end !== undefined) bound("end", range.end, "key < @end");
    if (range.prefix !== undefined && range.prefix !== "") {
      bound("prefix", range.prefix, "key >= @prefix AND substr(key, 1, @prefixBytes) = @prefix");
      params["prefixBytes"] = keyBytes(range.prefix).length;
    }
    if (range.limit !== undefined) params["limit"] = range.limit;
    const sql = `SELECT key, value FROM _cf_KV ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY key ${range.reverse === true ? "DESC" : "ASC"} ${range.limit !== undefined ? "LIMIT @limit" : ""}`;
    const rows = this.#prepare(sql).all(params) as Array<{ key: Buffer; value: Buffer }>;
    return rows.map((r) => [r.key.toString("utf8"), new Uint8Array(r.value)]);
  }

  /** Everything the object stored, SQL and key-value alike, in one atomic step. */
  deleteAll(): void {
    this.#schemaChange(() => {
      dropUserObjects(this.#db);
      this.#db.exec("DELETE FROM _cf_KV");
    });
  }

  // ---- SQL ----------------------------------------------------------------------------

  /** Runs one vetted statement with positional bindings. */
  run(statement: SqlStatement, bindings: readonly SqlValue[]): SqlResult {
    const exec = (): SqlResult => {
      const stmt = this.#prepare(statement.text);
      const args = bindArguments(statement.parameters, bindings);
      if (!stmt.reader) {
        const info = stmt.run(...args);
        return { columnNames: [], rows: [], rowsWritten: info.changes };
      }
      const columnNames = stmt.columns().map((c) => c.name);
      const rows = stmt.raw(true).all(...args) as SqlValue[][];
      stmt.raw(false);
      const rowsWritten = stmt.readonly ? 0 : (this.#prepare("SELECT changes() AS n").get() as { n: number }).n;
      return { columnNames, rows, rowsWritten };
    };
    try {
      return statement.changesSchema ? this.#schemaChange(exec) : this.atomically(exec);
    } catch (error) {
      // The row-size trigger's refusal, as the typed error every other size limit gives.
      const e = error as { code?: unknown; message?: unknown };
      if (e.code === "SQLITE_CONSTRAINT_TRIGGER" && typeof e.message === "string" && e.message.startsWith(ROW_TOO_BIG)) throw new EdgeError("DO_SQL_TOO_BIG", 400, e.message);
      throw error;
    }
  }

  /** Column counts of every user table, for the caller's column limit. */
  columnCounts(): Map<string, number> {
    const rows = this.#db.prepare("SELECT m.name AS name, count(*) AS n FROM sqlite_schema m, pragma_table_xinfo(m.name) WHERE m.type = 'table' GROUP BY m.name").all() as Array<{ name: string; n: number }>;
    return new Map(rows.map((r) => [r.name, r.n]));
  }

  /** Bytes in use: pages minus free pages, times the page size (as workerd computes it). */
  get databaseSize(): number {
    const r = this.#db.prepare("SELECT (SELECT * FROM pragma_page_count) - (SELECT * FROM pragma_freelist_count) AS pages, (SELECT * FROM pragma_page_size) AS size").get() as { pages: number; size: number };
    return r.pages * r.size;
  }

  /**
   * A statement that may change the schema runs in a savepoint first; if the schema did change,
   * it is rolled back, the whole content is saved as one undo script, and the statement runs
   * again for real. Triggers are then rebuilt for the new schema, and the column limit checked.
   */
  #schemaChange<T>(fn: () => T): T {
    const version = (): number => this.#db.pragma("schema_version", { simple: true }) as number;
    return this.atomically(() => {
      const before = version();
      try {
        return this.atomically(() => {
          const result = fn();
          if (version() !== before) throw new SchemaChanged();
          return result;
        });
      } catch (error) {
        if (!(error instanceof SchemaChanged)) throw error;
      }
      if (this.#history) this.#recordScript();
      const result = fn();
      for (const [table, n] of this.columnCounts()) {
        if (n > this.#options.columnsMax) throw new EdgeError("DO_SQL_TOO_MANY_COLUMNS", 400, `too many columns on ${table} (${n}; the limit is ${this.#options.columnsMax}): SQLITE_ERROR`);
      }
      this.#rebuildTriggers();
      return result;
    });
  }

  #recordScript(): void {
    this.#db.prepare("INSERT INTO _cf_UNDO (txn, kind, body) VALUES (?, 'script', ?)").run(this.#noteWrite(), JSON.stringify(dumpScript(this.#db)));
  }

  // ---- Point-in-time recovery ---------------------------------------------------------

  /**
   * A new instance of the object starts a new session. A restore asked for in the previous one
   * (`restoreOnNextSession`) happens now, as the session's first transaction; history older
   * than the window is pruned.
   */
  startSession(): void {
    this.begin();
    try {
      this.#session = Number(this.#meta("session") ?? 0) + 1;
      this.#setMeta("session", this.#session);
      this.#lastSeq = 0;
      const pending = this.#meta("restore");
      if (typeof pending === "string") {
        this.#db.prepare("DELETE FROM _cf_META WHERE key = 'restore'").run();
        this.#restore(this.#parse(pending));
      }
      this.#prune();
      this.commit();
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  /** The point after the last committed transaction (call with no transaction open). */
  currentBookmark(): string {
    return formatBookmark(this.#options.name, { session: this.#session, seq: this.#lastSeq });
  }

  /** The point that was current at `timeMs`, which must lie within the history window. */
  bookmarkForTime(timeMs: number): string {
    const now = this.#options.nowMs();
    if (!Number.isFinite(timeMs) || timeMs < now - this.#options.historyWindowMs) {
      throw new EdgeError("DO_BOOKMARK_OUT_OF_RANGE", 400, `time ${timeMs} is not within the last ${this.#options.historyWindowMs / 86_400_000} days`);
    }
    const at = this.#db.prepare("SELECT session, seq FROM _cf_TXN WHERE at_ms <= ? ORDER BY txn DESC LIMIT 1").get(timeMs) as HistoryPoint | undefined;
    if (at !== undefined) return formatBookmark(this.#options.name, at);
    const first = this.#db.prepare("SELECT session, seq FROM _cf_TXN ORDER BY txn LIMIT 1").get() as HistoryPoint | undefined;
    const point = first === undefined ? this.#pruned() : { session: first.session, seq: first.seq - 1 };
    return formatBookmark(this.#options.name, point);
  }

  /** Arranges a restore at the next session; returns the bookmark of the moment just before it. */
  restoreOnNextSession(bookmark: string): string {
    this.#parse(bookmark);
    this.#setMeta("restore", bookmark);
    return formatBookmark(this.#options.name, { session: this.#session + 1, seq: 0 });
  }

  /** Validates a bookmark of this object and reachable in the retained history. */
  #parse(bookmark: string): HistoryPoint {
    const m = /^([0-9a-f]{8})-([0-9a-f]{8})-[0-9a-f]{32}$/.exec(bookmark);
    const point = m === null ? undefined : { session: parseInt(m[1]!, 16), seq: parseInt(m[2]!, 16) };
    if (point === undefined || formatBookmark(this.#options.name, point) !== bookmark) {
      throw new EdgeError("DO_BOOKMARK_INVALID", 400, `"${String(bookmark).slice(0, 80)}" is not a bookmark of this Durable Object`);
    }
    const pruned = this.#pruned();
    if (point.session < pruned.session || (point.session === pruned.session && point.seq < pruned.seq)) {
      throw new EdgeError("DO_BOOKMARK_OUT_OF_RANGE", 400, `bookmark ${bookmark} is older than the retained history (${this.#options.historyWindowMs / 86_400_000} days)`);
    }
    return point;
  }

  #pruned(): HistoryPoint {
    const p = this.#meta("pruned");
    return typeof p === "string" ? (JSON.parse(p) as HistoryPoint) : { session: 0, seq: 0 };
  }

  /** Undoes every transaction after `point`, newest first, as part of the open transaction. */
  #restore(point: HistoryPoint): void {
    this.#recordScript();
    const undo = this.#db.prepare(
      "SELECT u.kind AS kind, u.body AS body FROM _cf_UNDO u JOIN _cf_TXN t ON t.txn = u.txn WHERE t.session > @session OR (t.session = @session AND t.seq > @seq) ORDER BY u.id DESC",
    );
    this.#recording = false;
    try {
      this.#db.pragma("defer_foreign_keys = ON");
      for (const entry of undo.all(point) as Array<{ kind: string; body: string }>) {
        if (entry.kind === "script") runScript(this.#db, JSON.parse(entry.body) as string[]);
        else this.#db.exec(entry.body);
      }
    } finally {
      this.#recording = true;
    }
    this.#rebuildTriggers();
  }

  #prune(): void {
    const cutoff = this.#options.nowMs() - this.#options.historyWindowMs;
    const newest = this.#db.prepare("SELECT session, seq FROM _cf_TXN WHERE at_ms < ? ORDER BY txn DESC LIMIT 1").get(cutoff) as HistoryPoint | undefined;
    if (newest === undefined) return;
    this.#db.prepare("DELETE FROM _cf_UNDO WHERE txn IN (SELECT txn FROM _cf_TXN WHERE at_ms < ?)").run(cutoff);
    this.#db.prepare("DELETE FROM _cf_TXN WHERE at_ms < ?").run(cutoff);
    this.#setMeta("pruned", JSON.stringify(newest));
  }

  #rebuildTriggers(): void {
    dropTriggers(this.#db, "_cf_undo_");
    dropTriggers(this.#db, "_cf_limit_");
    trackedTables(this.#db).forEach((t, i) => {
      if (this.#history) for (const sql of undoTriggers(t, i)) this.#db.exec(sql);
      if (t.name.toLowerCase() === "_cf_kv" || t.columns.length === 0) return;
      const size = t.columns.map((c) => `coalesce(octet_length(NEW.${quoteName(c)}), 0)`).join(" + ");
      const check = `SELECT RAISE(ABORT, '${ROW_TOO_BIG} (row of ' || (${size}) || ' bytes; the limit is ${this.#options.rowBytesMax}): SQLITE_TOOBIG') WHERE ${size} > ${this.#options.rowBytesMax};`;
      for (const op of ["INSERT", "UPDATE"]) {
        this.#db.exec(`CREATE TRIGGER ${quoteName(`_cf_limit_${i}_${op[0]!.toLowerCase()}`)} AFTER ${op} ON ${quoteName(t.name)} BEGIN ${check} END`);
      }
    });
  }

  #meta(key: string): unknown {
    return (this.#prepare("SELECT value FROM _cf_META WHERE key = ?").get(key) as { value: unknown } | undefined)?.value;
  }

  #setMeta(key: string, value: unknown): void {
    this.#prepare("INSERT INTO _cf_META (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }
}

class SchemaChanged extends Error {}

/** How the row-size trigger's message starts (SQLite's own words for its size limit). */
const ROW_TOO_BIG = "string or blob too big";

/** `sequencesSql` of a database with no AUTOINCREMENT counters; never run, as none can be undone. */
const NO_SEQUENCES = "";

/** Maps positional bindings onto better-sqlite3's form: anonymous values, then one object of named ones. */
function bindArguments(parameters: ReadonlyArray<string | null>, bindings: readonly SqlValue[]): unknown[] {
  const anonymous: unknown[] = [];
  const named: Record<string, unknown> = {};
  parameters.forEach((name, i) => {
    const value = toSqlite(bindings[i] ?? null);
    if (name === null) anonymous.push(value);
    else named[name.slice(1)] = value;
  });
  return Object.keys(named).length > 0 ? [...anonymous, named] : anonymous;
}

function toSqlite(value: SqlValue): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}

/** A bookmark: session and sequence in hex (so strings sort as points in time), and a check. */
export function formatBookmark(name: string, point: HistoryPoint): string {
  const hex = (n: number): string => n.toString(16).padStart(8, "0");
  const check = createHash("sha256").update(`${name}|${point.session}|${point.seq}`).digest("hex").slice(0, 32);
  return `${hex(point.session)}-${hex(point.seq)}-${check}`;
}
