import { EdgeError } from "../core/errors.js";
import type { SqlResult, SqlValue } from "../storage/object-database.js";
import { DO_SQL_COLUMNS_MAX, DO_SQL_STATEMENT_BYTES_MAX, DO_SQL_VALUE_BYTES_MAX } from "./limits.js";
import { vetQuery, type VettedStatement } from "./sql-policy.js";

/** What a cursor row holds: Cloudflare's SqlStorageValue (a BLOB arrives as an ArrayBuffer). */
export type SqlStorageValue = ArrayBuffer | string | number | null;

/**
 * `sql.exec()`'s cursor, as Cloudflare documents SqlStorageCursor: an iterator of row objects,
 * with `raw()` over the same rows as arrays, `toArray()`, `one()`, `columnNames`, `rowsRead` and
 * `rowsWritten`. Rows are read when the statement runs, so the cursor is a stable snapshot
 * (Cloudflare promises none once a cursor crosses an await); `rowsRead` counts rows consumed.
 */
export class SqlStorageCursor<T extends Record<string, SqlStorageValue> = Record<string, SqlStorageValue>> implements IterableIterator<T> {
  readonly columnNames: string[];
  readonly rowsWritten: number;
  readonly #rows: SqlStorageValue[][];
  #next = 0;

  constructor(result: SqlResult) {
    this.columnNames = result.columnNames;
    this.rowsWritten = result.rowsWritten;
    this.#rows = result.rows.map((row) => row.map(fromSqlite));
  }

  get rowsRead(): number {
    return this.#next;
  }

  next(): IteratorResult<T> {
    const row = this.#takeRaw();
    return row === undefined ? { done: true, value: undefined } : { done: false, value: this.#object(row) };
  }

  [Symbol.iterator](): this {
    return this;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let row = this.#takeRaw(); row !== undefined; row = this.#takeRaw()) out.push(this.#object(row));
    return out;
  }

  /** The only row; workerd's messages when there is none or more than one. */
  one(): T {
    const row = this.#takeRaw();
    if (row === undefined) throw new EdgeError("DO_SQL_NOT_ONE_ROW", 500, "Expected exactly one result from SQL query, but got no results.");
    if (this.#next < this.#rows.length) throw new EdgeError("DO_SQL_NOT_ONE_ROW", 500, "Expected exactly one result from SQL query, but got additional results.");
    return this.#object(row);
  }

  /** The same rows as arrays of values (sharing this cursor's position). */
  raw<R extends SqlStorageValue[] = SqlStorageValue[]>(): IterableIterator<R> & { toArray(): R[] } {
    const take = (): R | undefined => this.#takeRaw() as R | undefined;
    const iterator = {
      next: (): IteratorResult<R> => {
        const row = take();
        return row === undefined ? { done: true, value: undefined } : { done: false, value: row };
      },
      toArray: (): R[] => {
        const out: R[] = [];
        for (let row = take(); row !== undefined; row = take()) out.push(row);
        return out;
      },
      [Symbol.iterator]() {
        return iterator;
      },
    };
    return iterator as IterableIterator<R> & { toArray(): R[] };
  }

  #takeRaw(): SqlStorageValue[] | undefined {
    return this.#next < this.#rows.length ? this.#rows[this.#next++] : undefined;
  }

  // Duplicate column names: the last one wins, as when workerd builds the row object.
  #object(row: SqlStorageValue[]): T {
    const obj: Record<string, SqlStorageValue> = {};
    this.columnNames.forEach((name, i) => Object.defineProperty(obj, name, { value: row[i] ?? null, enumerable: true, writable: true, configurable: true }));
    return obj as T;
  }
}

// better-sqlite3 returns INTEGERs as numbers (no safeIntegers), as Cloudflare does.
function fromSqlite(value: SqlValue): SqlStorageValue {
  if (value instanceof Uint8Array) {
    checkSize(value.byteLength);
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  }
  if (typeof value === "string") checkSize(Buffer.byteLength(value, "utf8"));
  return value as SqlStorageValue;
}

function checkSize(bytes: number): void {
  if (bytes > DO_SQL_VALUE_BYTES_MAX) {
    throw new EdgeError("DO_SQL_TOO_BIG", 400, `string or blob too big (${bytes} bytes; the limit is ${DO_SQL_VALUE_BYTES_MAX}): SQLITE_TOOBIG`);
  }
}

/** Checks and converts `exec()` bindings: numbers, strings, null, ArrayBuffers and views. */
export function toBinding(value: unknown, index: number): SqlValue {
  if (value === null || typeof value === "number" || typeof value === "bigint") return value;
  if (typeof value === "string") {
    checkSize(Buffer.byteLength(value, "utf8"));
    return value;
  }
  if (value instanceof ArrayBuffer) {
    checkSize(value.byteLength);
    return new Uint8Array(value);
  }
  if (ArrayBuffer.isView(value)) {
    checkSize(value.byteLength);
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new EdgeError("DO_SQL_BAD_BINDING", 400, `binding ${index + 1} is ${value === undefined ? "undefined" : typeof value}; SQL values are numbers, strings, null or ArrayBuffers`);
}

/**
 * Vets a whole query before anything runs: its length, each statement against the policy, and
 * the bindings against the last statement's parameters (the only one that may have any).
 */
export function prepareQuery(query: unknown, bindings: readonly unknown[]): { statements: readonly VettedStatement[]; values: SqlValue[] } {
  if (typeof query !== "string") throw new EdgeError("DO_SQL_BAD_QUERY", 400, `sql.exec() needs a string, got ${typeof query}`);
  const bytes = Buffer.byteLength(query, "utf8");
  if (bytes > DO_SQL_STATEMENT_BYTES_MAX) {
    throw new EdgeError("DO_SQL_TOO_BIG", 400, `statement too long (${bytes} bytes; the limit is ${DO_SQL_STATEMENT_BYTES_MAX}): SQLITE_TOOBIG`);
  }
  const statements = vetQuery(query);
  if (statements.length === 0) throw new EdgeError("DO_SQL_BAD_QUERY", 400, "SQL code did not contain a statement.");
  for (const s of statements.slice(0, -1)) {
    if (s.parameters.length > 0) throw new EdgeError("DO_SQL_BAD_QUERY", 400, "When executing multiple SQL statements in a single call, only the last statement can have parameters.");
  }
  const last = statements.at(-1) as VettedStatement;
  if (bindings.length !== last.parameters.length) throw new EdgeError("DO_SQL_BAD_QUERY", 400, "Wrong number of parameter bindings for SQL query.");
  return { statements, values: bindings.map(toBinding) };
}

/** A result with more columns than a table may have is refused like SQLite's column limit. */
export function checkResultColumns(result: SqlResult): SqlResult {
  if (result.columnNames.length > DO_SQL_COLUMNS_MAX) {
    throw new EdgeError("DO_SQL_TOO_MANY_COLUMNS", 400, `too many columns in result set (${result.columnNames.length}; the limit is ${DO_SQL_COLUMNS_MAX}): SQLITE_ERROR`);
  }
  return result;
}
