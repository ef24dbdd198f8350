import type { DurableObjectStorageApi } from "../core/bindings.js";
import { EdgeError } from "../core/errors.js";
import { compareKeys } from "../storage/key-order.js";
import type { ObjectDatabase } from "../storage/object-database.js";
import type { ListRange } from "../storage/storage-engine.js";
import type { StorageContext } from "./object-storage.js";
import { quiet } from "./object-storage.js";
import { parseAlarmTime, parseListOptions } from "./list-options.js";
import { SqlStorageCursor, checkResultColumns, prepareQuery } from "./sql-storage.js";
import { checkBatch, checkKeyString, decodeValue, encodeSqliteEntry } from "./structured-value.js";

export interface SqliteStorageContext extends StorageContext {
  readonly database: ObjectDatabase;
  /** Throws DO_INSTANCE_SUPERSEDED once this instance has been replaced or aborted. */
  checkCurrent(): void;
}

/** How the implicit transaction ends: at the next microtask (host code), or when told (isolate). */
export type CommitMode = "microtask" | "external";

/**
 * `ctx.storage` of a SQLite-backed Durable Object (`new_sqlite_classes`), as Cloudflare
 * documents it: the SQL API, the synchronous `kv` API and the asynchronous key-value methods
 * share one database, where the key-value data is the `_cf_KV` table.
 *
 * Every call applies at once to the database inside an implicit transaction that stays open
 * until the code's next await (a microtask later), so writes with no await between them commit
 * together ("automatic write coalescing"), and a response waits for that commit (output gate).
 * Nothing here is asynchronous, so the input gate is not involved: an object's code is never
 * interrupted between two synchronous calls.
 */
export class SqliteDurableObjectStorage implements DurableObjectStorageApi {
  readonly #ctx: SqliteStorageContext;
  readonly #db: ObjectDatabase;
  #settle: { resolve(): void; reject(e: unknown): void } | undefined;
  #holds = 0;
  commitMode: CommitMode = "microtask";
  readonly sql: SqlStorage;
  readonly kv: SyncKvStorage;

  constructor(ctx: SqliteStorageContext) {
    this.#ctx = ctx;
    this.#db = ctx.database;
    this.sql = new SqlStorage(this);
    this.kv = new SyncKvStorage(this);
    this.#db.claim({ abandon: () => this.#abandon() });
  }

  /** A successor took the database over: uncommitted writes are dropped and never acknowledged. */
  #abandon(): void {
    const settle = this.#settle;
    this.#settle = undefined;
    this.#holds = 0;
    this.#db.rollback();
    settle?.reject(new EdgeError("DO_INSTANCE_SUPERSEDED", 503, "this Durable Object instance was replaced before its writes committed"));
  }

  // ANCHOR: implicit-transaction
  /** Runs `op` inside the implicit transaction, opening it (and scheduling its commit) if needed. */
  apply<T>(op: (db: ObjectDatabase) => T): T {
    this.#ctx.checkCurrent();
    if (!this.#db.inTransaction) this.#open();
    return op(this.#db);
  }

  #open(): void {
    this.#db.begin();
    const committed = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    committed.catch(() => undefined);
    this.#ctx.outputGate.track(committed);
    if (this.commitMode === "microtask") queueMicrotask(() => this.flush());
  }

  /** Commits the implicit transaction now, unless a transaction() or transactionSync() holds it. */
  flush(): void {
    if (this.#holds > 0 || !this.#db.inTransaction) return;
    const settle = this.#settle;
    this.#settle = undefined;
    try {
      this.#db.commit();
      settle?.resolve();
    } catch (error) {
      this.#db.rollback();
      settle?.reject(error);
    }
  }

  // ANCHOR_END: implicit-transaction

  /** Drops the uncommitted writes (ctx.abort()). */
  discard(): void {
    const settle = this.#settle;
    this.#settle = undefined;
    this.#db.rollback();
    settle?.resolve();
  }

  // ---- Key-value methods (asynchronous in form, applied at once) ------------------------

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  get<T = unknown>(keyOrKeys: string | string[]): Promise<T | undefined | Map<string, T>> {
    return settled(() => (Array.isArray(keyOrKeys) ? this.kv.getMany<T>(keyOrKeys) : this.kv.get<T>(keyOrKeys)));
  }

  put(key: string, value: unknown): Promise<void>;
  put(entries: Record<string, unknown>): Promise<void>;
  put(keyOrEntries: string | Record<string, unknown>, value?: unknown): Promise<void> {
    return settled(() => {
      const entries = typeof keyOrEntries === "string" ? [[keyOrEntries, value] as const] : Object.entries(keyOrEntries);
      this.kv.putMany(entries);
    });
  }

  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  delete(keyOrKeys: string | string[]): Promise<boolean | number> {
    return settled(() => (Array.isArray(keyOrKeys) ? this.kv.deleteMany(keyOrKeys) : this.kv.delete(keyOrKeys)));
  }

  list<T = unknown>(options?: ListRange): Promise<Map<string, T>> {
    return settled(() => new Map(this.kv.list<T>(options)));
  }

  deleteAll(): Promise<void> {
    return settled(() => this.apply((db) => db.deleteAll()));
  }

  /**
   * Runs `fn` synchronously in one transaction: its writes commit with the implicit transaction,
   * or are rolled back if it throws (Cloudflare: "only synchronous storage operations").
   */
  transactionSync<T>(fn: () => T): T {
    return this.apply((db) =>
      db.atomically(() => {
        const result = fn();
        if (result instanceof Promise) throw new EdgeError("DO_TRANSACTION_ASYNC", 400, "transactionSync() callback must not return a Promise; use transaction() for async code");
        return result;
      }),
    );
  }

  /**
   * The asynchronous form: on the SQLite backend every call on `ctx.storage` joins the
   * transaction (`txn` is the storage itself); it holds the implicit transaction open, and the
   * input gate closed, until `fn` settles, and rolls everything back if it throws or calls
   * `txn.rollback()`.
   */
  transaction<T>(fn: (txn: DurableObjectStorageApi & { rollback(): void }) => Promise<T>): Promise<T> {
    return quiet(() =>
      this.#ctx.inputGate.whileLocked(async () => {
        const hold = this.holdTransaction();
        let rolledBack = false;
        // `txn` is this storage (every call joins the transaction) plus rollback().
        const rollback = (): void => void (rolledBack = true);
        const txn = new Proxy(this as this & { rollback(): void }, {
          get: (target, prop) => {
            if (prop === "rollback") return rollback;
            const value: unknown = Reflect.get(target, prop, target);
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
        try {
          const result = await fn(txn);
          hold.end(!rolledBack);
          return result;
        } catch (error) {
          hold.end(false);
          throw error;
        }
      }),
    );
  }

  /** Holds the implicit transaction open across awaits, inside a savepoint (used by transaction()). */
  holdTransaction(): { end(commit: boolean): void } {
    this.apply((db) => db.openSavepoint());
    this.#holds++;
    let ended = false;
    return {
      end: (commit: boolean): void => {
        if (ended) return;
        ended = true;
        this.#holds--;
        if (this.#db.inTransaction) this.#db.closeSavepoint(commit);
        if (this.#holds === 0) this.flush();
      },
    };
  }

  sync(): Promise<void> {
    return settled(() => this.flush());
  }

  // ---- Alarms (kept by the runtime's engine, as for the key-value backend) --------------

  getAlarm(): Promise<number | null> {
    return quiet(() => this.#ctx.serialize(() => this.#ctx.engine.getAlarm(this.#ctx.object)));
  }

  setAlarm(scheduledTimeMs: number | Date): Promise<void> {
    return quiet(async () => this.#alarm(parseAlarmTime(scheduledTimeMs)));
  }

  deleteAlarm(): Promise<void> {
    return quiet(async () => this.#alarm(null));
  }

  async #alarm(alarmMs: number | null): Promise<void> {
    this.#ctx.checkCurrent();
    const write = this.#ctx.serialize(async () => {
      await this.#ctx.engine.write(this.#ctx.object, { alarmMs });
      this.#ctx.alarmChanged(alarmMs);
    });
    this.#ctx.outputGate.track(write);
    await write;
  }

  // ---- Point-in-time recovery -----------------------------------------------------------

  getCurrentBookmark(): Promise<string> {
    return settled(() => this.currentBookmarkNow());
  }

  /** Commits what is pending, then names the current point in history. */
  currentBookmarkNow(): string {
    this.#ctx.checkCurrent();
    this.flush();
    return this.#db.currentBookmark();
  }

  getBookmarkForTime(timestamp: number | Date): Promise<string> {
    return settled(() => this.#db.bookmarkForTime(timestamp instanceof Date ? timestamp.getTime() : Number(timestamp)));
  }

  onNextSessionRestoreBookmark(bookmark: string): Promise<string> {
    return settled(() => this.apply((db) => db.restoreOnNextSession(String(bookmark))));
  }
}

/** A promise settled with what `fn` returns or throws, computed now. */
function settled<T>(fn: () => T): Promise<T> {
  return quiet(async () => fn());
}

/** `ctx.storage.sql`. */
export class SqlStorage {
  readonly #storage: SqliteDurableObjectStorage;

  constructor(storage: SqliteDurableObjectStorage) {
    this.#storage = storage;
  }

  exec<T extends Record<string, ArrayBuffer | string | number | null>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T> {
    const { statements, values } = prepareQuery(query, bindings);
    return this.#storage.apply((db) => {
      // Earlier statements run for their effect; the cursor is the last one's.
      let result = db.run(statements[0]!, statements.length === 1 ? values : []);
      for (let i = 1; i < statements.length; i++) result = db.run(statements[i]!, i === statements.length - 1 ? values : []);
      return new SqlStorageCursor<T>(checkResultColumns(result));
    });
  }

  get databaseSize(): number {
    return this.#storage.apply((db) => db.databaseSize);
  }
}

/** `ctx.storage.kv`: the synchronous key-value API of the SQLite backend. */
export class SyncKvStorage {
  readonly #storage: SqliteDurableObjectStorage;

  constructor(storage: SqliteDurableObjectStorage) {
    this.#storage = storage;
  }

  get<T = unknown>(key: string): T | undefined {
    const k = checkKeyString(key);
    const bytes = this.#storage.apply((db) => db.kvGet([k])).get(k);
    return bytes === undefined ? undefined : (decodeValue(bytes) as T);
  }

  getMany<T = unknown>(keys: string[]): Map<string, T> {
    const checked = keys.map(checkKeyString);
    checkBatch(checked.length, "get");
    const raw = this.#storage.apply((db) => db.kvGet(checked));
    const found = new Map<string, T>();
    for (const key of [...raw.keys()].sort(compareKeys)) found.set(key, decodeValue(raw.get(key) as Uint8Array) as T);
    return found;
  }

  put(key: string, value: unknown): void {
    this.putMany([[key, value]]);
  }

  putMany(entries: ReadonlyArray<readonly [string, unknown]>): void {
    checkBatch(entries.length, "put");
    // Every entry is checked and serialised before anything is written: all or nothing.
    const encoded = entries.map(([k, v]) => [checkKeyString(k), encodeSqliteEntry(k, v)] as const);
    this.#storage.apply((db) => db.kvPut(encoded));
  }

  delete(key: string): boolean {
    return this.deleteMany([key]) > 0;
  }

  deleteMany(keys: string[]): number {
    const checked = keys.map(checkKeyString);
    checkBatch(checked.length, "delete");
    return this.#storage.apply((db) => db.kvDelete(checked));
  }

  list<T = unknown>(options?: ListRange): Array<[string, T]> {
    const range = parseListOptions(options, checkKeyString);
    return this.#storage.apply((db) => db.kvList(range)).map(([k, v]) => [k, decodeValue(v) as T]);
  }
}
