import { describe, expect, it } from "vitest";
import type { EdgeError } from "../../../src/core/errors.js";
import { DO_SQL_BOUND_PARAMETERS_MAX, DO_SQL_COLUMNS_MAX, DO_SQL_STATEMENT_BYTES_MAX, DO_SQL_VALUE_BYTES_MAX } from "../../../src/durable-objects/limits.js";
import { SQL_NOT_AUTHORIZED_MESSAGE, SQL_TRANSACTION_MESSAGE, VETTED_QUERIES_MAX, vetQuery } from "../../../src/durable-objects/sql-policy.js";
import { SqlStorageCursor, checkResultColumns, prepareQuery, toBinding } from "../../../src/durable-objects/sql-storage.js";

/** The error's code and message, or "ok" with the statements' command words. */
function vet(sql: string): string {
  try {
    return `ok ${vetQuery(sql).map((s) => s.command).join(",")}`;
  } catch (e) {
    return `${(e as EdgeError).code}: ${(e as Error).message}`;
  }
}

const REFUSED = `DO_SQL_NOT_AUTHORIZED: ${SQL_NOT_AUTHORIZED_MESSAGE}`;

describe("the SQL policy, statement by statement", () => {
  it.each([
    ["SELECT 1", "ok SELECT"],
    ['"BEGIN"', "ok "], // a quoted identifier is a name, never a command word
    ["EXPLAIN SELECT 1", "ok SELECT"],
    ["EXPLAIN QUERY PLAN SELECT 1", "ok SELECT"],
    ["explain query plan attach 'x' as y", REFUSED],
    ["EXPLAIN QUERY PLAN BEGIN", `DO_SQL_TRANSACTION_STATEMENT: ${SQL_TRANSACTION_MESSAGE}`],
    ["VACUUM", "DO_SQL_ERROR: cannot VACUUM from within a transaction: SQLITE_ERROR"],
    ["DROP TABLE temp.t", "ok DROP"], // only CREATE is checked for schemas
    ["PRAGMA", REFUSED],
    ["PRAGMA 5", REFUSED],
    ["PRAGMA main.table_info(t)", "ok PRAGMA"],
    ["PRAGMA temp.table_info(t)", REFUSED],
    ["PRAGMA foreign_keys(ON)", "ok PRAGMA"],
    ["PRAGMA foreign_keys = 'on'", "ok PRAGMA"],
    ["PRAGMA foreign_keys = 1", "ok PRAGMA"],
    ["PRAGMA foreign_keys", "ok PRAGMA"],
    ["PRAGMA foreign_keys = maybe", REFUSED],
    ["PRAGMA foreign_keys = -1", REFUSED],
    ["PRAGMA foreign_keys(ON", REFUSED],
    ["PRAGMA table_info t", REFUSED],
    ["PRAGMA table_info()", REFUSED],
    ["PRAGMA table_info(a, b)", REFUSED],
    ["PRAGMA data_version", "ok PRAGMA"],
    ["PRAGMA data_version(1)", REFUSED],
    ["PRAGMA table_list", "ok PRAGMA"],
    ["PRAGMA foreign_key_check", "ok PRAGMA"],
    ["PRAGMA index_list('t')", "ok PRAGMA"],
    ["CREATE VIRTUAL TABLE x", REFUSED],
    ["CREATE VIRTUAL TABLE d USING FTS5(body)", "ok CREATE"],
    ["CREATE VIRTUAL TABLE d USING fts4(body)", REFUSED],
    ["CREATE VIEW temp.v AS SELECT 1", REFUSED],
    ["CREATE INDEX temp.i ON t(a)", REFUSED],
    ["CREATE TRIGGER temp.tr AFTER INSERT ON t BEGIN SELECT 1; END", REFUSED],
    ["CREATE TABLE main.t(a)", "ok CREATE"],
    ["CREATE UNIQUE INDEX IF NOT EXISTS main.i ON t(a)", "ok CREATE"],
    ["CREATE TABLE IF NOT EXISTS temp.t(a)", REFUSED],
    ["CREATE TABLE IF NOT EXISTS t(a)", "ok CREATE"],
    ["CREATE TABLE t(a); INSERT INTO t VALUES (1)", "ok CREATE,INSERT"],
    ["SELECT * FROM pragma_table_info('t')", "ok SELECT"],
    ["SELECT * FROM PRAGMA_TABLE_LIST", "ok SELECT"],
    ["SELECT * FROM pragma_function_list", REFUSED],
    ["SELECT 'x' AS _cf_", REFUSED],
    ["SELECT 'a_cf_b', \"my_cf_\"", "ok SELECT"],
  ])("%j → %s", (sql, expected) => {
    expect(vet(sql)).toBe(expected);
  });

  it("numbers parameters as SQLite does and bounds them at 100", () => {
    expect(vetQuery("SELECT ?, ?")[0]!.parameters).toEqual([null, null]);
    expect(vetQuery("SELECT ?2, ?1")[0]!.parameters).toEqual(["?1", "?2"]);
    expect(vetQuery("SELECT :a, @b, :a, ?")[0]!.parameters).toEqual([":a", "@b", null]);
    expect(vetQuery(`SELECT ?${DO_SQL_BOUND_PARAMETERS_MAX}`)[0]!.parameters).toHaveLength(DO_SQL_BOUND_PARAMETERS_MAX);
    expect(vet(`SELECT ?${DO_SQL_BOUND_PARAMETERS_MAX + 1}`)).toBe(`DO_SQL_TOO_MANY_PARAMETERS: variable number must be between ?1 and ?${DO_SQL_BOUND_PARAMETERS_MAX}: SQLITE_ERROR`);
    expect(vet("SELECT ?0")).toBe(`DO_SQL_TOO_MANY_PARAMETERS: variable number must be between ?1 and ?${DO_SQL_BOUND_PARAMETERS_MAX}: SQLITE_ERROR`);
    const many = `SELECT ${Array(DO_SQL_BOUND_PARAMETERS_MAX + 1).fill("?").join(",")}`;
    expect(vet(many)).toBe(`DO_SQL_TOO_MANY_PARAMETERS: too many SQL variables (${DO_SQL_BOUND_PARAMETERS_MAX + 1}; the limit is ${DO_SQL_BOUND_PARAMETERS_MAX}): SQLITE_ERROR`);
  });

  it("remembers the last 512 queries it vetted, and forgets the least recently used", () => {
    const q = (i: number): string => `SELECT ${i} AS cache_probe`;
    const first = vetQuery(q(0));
    expect(vetQuery(q(0))).toBe(first);
    const second = vetQuery(q(1));
    for (let i = 2; i < VETTED_QUERIES_MAX; i++) vetQuery(q(i));
    expect(vetQuery(q(0))).toBe(first);
    vetQuery(q(VETTED_QUERIES_MAX));
    expect(vetQuery(q(1))).not.toBe(second);
    expect(vetQuery(q(0))).toBe(first);
  });
});

describe("exec() arguments and results", () => {
  const prepared = (query: unknown, ...bindings: unknown[]): string => {
    try {
      const p = prepareQuery(query, bindings);
      return `ok ${p.statements.length} ${JSON.stringify(p.values)}`;
    } catch (e) {
      return `${(e as EdgeError).code}: ${(e as Error).message}`;
    }
  };

  it("checks the query and its bindings before anything runs", () => {
    expect(prepared(42)).toBe("DO_SQL_BAD_QUERY: sql.exec() needs a string, got number");
    expect(prepared("-- only a comment")).toBe("DO_SQL_BAD_QUERY: SQL code did not contain a statement.");
    expect(prepared("SELECT ?; SELECT 1", 1)).toBe("DO_SQL_BAD_QUERY: When executing multiple SQL statements in a single call, only the last statement can have parameters.");
    expect(prepared("SELECT ?")).toBe("DO_SQL_BAD_QUERY: Wrong number of parameter bindings for SQL query.");
    expect(prepared(`SELECT 1${" ".repeat(DO_SQL_STATEMENT_BYTES_MAX - 8 + 1)}`)).toBe(`DO_SQL_TOO_BIG: statement too long (${DO_SQL_STATEMENT_BYTES_MAX + 1} bytes; the limit is ${DO_SQL_STATEMENT_BYTES_MAX}): SQLITE_TOOBIG`);
    const p = prepareQuery("SELECT 1; SELECT ?", [10n]);
    expect([p.statements.length, p.values]).toEqual([2, [10n]]);
  });

  it("accepts numbers, bigints, strings, null, ArrayBuffers and views; names a wrong binding", () => {
    expect(toBinding(null, 0)).toBeNull();
    expect(toBinding(1.5, 0)).toBe(1.5);
    expect(toBinding(10n, 0)).toBe(10n);
    expect(toBinding("é", 0)).toBe("é");
    expect(toBinding(new Uint8Array([1, 2]).buffer, 0)).toEqual(new Uint8Array([1, 2]));
    const bytes = new Uint8Array([9, 1, 2, 9]);
    expect(toBinding(new DataView(bytes.buffer, 1, 2), 0)).toEqual(new Uint8Array([1, 2]));
    expect(() => toBinding(undefined, 0)).toThrow("binding 1 is undefined; SQL values are numbers, strings, null or ArrayBuffers");
    expect(() => toBinding(true, 1)).toThrow("binding 2 is boolean; SQL values are numbers, strings, null or ArrayBuffers");
    expect(() => toBinding(new Uint8Array(DO_SQL_VALUE_BYTES_MAX + 1), 0)).toThrow(`string or blob too big (${DO_SQL_VALUE_BYTES_MAX + 1} bytes; the limit is ${DO_SQL_VALUE_BYTES_MAX}): SQLITE_TOOBIG`);
    expect(() => toBinding("é".repeat(DO_SQL_VALUE_BYTES_MAX / 2 + 1), 0)).toThrow(/string or blob too big/);
    expect(toBinding("é".repeat(DO_SQL_VALUE_BYTES_MAX / 2), 0)).toHaveLength(DO_SQL_VALUE_BYTES_MAX / 2);
  });

  it("a cursor: raw() and row objects share one position; rows are plain, writable objects", () => {
    const cursor = new SqlStorageCursor({ columnNames: ["a", "b", "a"], rows: [[1, "x", 2], [3, new Uint8Array([7]), 4], [5, null, 6]], rowsWritten: 0 });
    const raw = cursor.raw();
    expect(raw[Symbol.iterator]()).toBe(raw);
    expect(raw.next()).toEqual({ done: false, value: [1, "x", 2] });
    const row = cursor.next().value as Record<string, unknown>;
    // Duplicate names: the last column wins; a BLOB arrives as an ArrayBuffer.
    expect(row).toEqual({ a: 4, b: new Uint8Array([7]).buffer });
    row["a"] = 0;
    delete row["b"];
    expect(row).toEqual({ a: 0 });
    expect(cursor.rowsRead).toBe(2);
    expect([...raw]).toEqual([[5, null, 6]]);
    expect(raw.next()).toEqual({ done: true, value: undefined });
    expect(cursor.next()).toEqual({ done: true, value: undefined });
    expect(() => cursor.one()).toThrow("Expected exactly one result from SQL query, but got no results.");
    const two = new SqlStorageCursor({ columnNames: ["n"], rows: [[1], [2]], rowsWritten: 3 });
    expect(two.rowsWritten).toBe(3);
    let code: string | undefined;
    try {
      two.one();
    } catch (e) {
      code = (e as EdgeError).code;
    }
    expect(code).toBe("DO_SQL_NOT_ONE_ROW");
  });

  it("refuses a result value or a result row wider than the limits", () => {
    const big = "x".repeat(DO_SQL_VALUE_BYTES_MAX + 1);
    expect(() => new SqlStorageCursor({ columnNames: ["s"], rows: [[big]], rowsWritten: 0 })).toThrow(`string or blob too big (${DO_SQL_VALUE_BYTES_MAX + 1} bytes; the limit is ${DO_SQL_VALUE_BYTES_MAX}): SQLITE_TOOBIG`);
    expect(() => new SqlStorageCursor({ columnNames: ["s"], rows: [["é".repeat(DO_SQL_VALUE_BYTES_MAX / 2 + 1)]], rowsWritten: 0 })).toThrow(/too big/);
    const wide = (n: number) => ({ columnNames: Array.from({ length: n }, (_, i) => `c${i}`), rows: [], rowsWritten: 0 });
    expect(checkResultColumns(wide(DO_SQL_COLUMNS_MAX)).columnNames).toHaveLength(DO_SQL_COLUMNS_MAX);
    expect(() => checkResultColumns(wide(DO_SQL_COLUMNS_MAX + 1))).toThrow(`too many columns in result set (${DO_SQL_COLUMNS_MAX + 1}; the limit is ${DO_SQL_COLUMNS_MAX}): SQLITE_ERROR`);
  });
});
