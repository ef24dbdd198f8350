import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serialize } from "node:v8";
import { afterAll, describe, expect, it } from "vitest";
import type { DurableObjectStateApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import {
  DO_OVERLOADED_MESSAGE,
  DO_PITR_WINDOW_MS,
  DO_SQL_BOUND_PARAMETERS_MAX,
  DO_SQL_COLUMNS_MAX,
  DO_SQL_STATEMENT_BYTES_MAX,
  DO_SQL_VALUE_BYTES_MAX,
  DO_SQLITE_DATABASE_BYTES_MAX,
  DO_SQLITE_KEY_VALUE_BYTES_MAX,
} from "../../../src/durable-objects/limits.js";
import { SQL_NOT_AUTHORIZED_MESSAGE, SQL_TRANSACTION_MESSAGE } from "../../../src/durable-objects/sql-policy.js";
import type { SqliteDurableObjectStorage } from "../../../src/durable-objects/sqlite-object-storage.js";
import { SQL_NOT_ENABLED_MESSAGE } from "../../../src/durable-objects/object-storage.js";
import { FileObjectDatabases, type ObjectDatabases } from "../../../src/storage/object-databases.js";
import type { Simulation } from "../../../src/sim/index.js";
import { makeWorld, sqliteDatabases } from "./world.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fileDatabases(sim: Simulation): ObjectDatabases {
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-sql-"));
  dirs.push(dir);
  return new FileObjectDatabases(dir, {
    nowMs: () => sim.now(),
    rowBytesMax: DO_SQL_VALUE_BYTES_MAX,
    columnsMax: DO_SQL_COLUMNS_MAX,
    databaseBytesMax: DO_SQLITE_DATABASE_BYTES_MAX,
    historyWindowMs: DO_PITR_WINDOW_MS,
  });
}

type Storage = SqliteDurableObjectStorage;

/** A SQLite-backed object whose RPC method `run(fn)` runs a test body against its storage. */
async function sqliteObject(databases: (sim: Simulation) => ObjectDatabases = sqliteDatabases) {
  const world = makeWorld({ databases });
  const states: DurableObjectStateApi[] = [];
  const bodies = new Map<number, (s: Storage, ctx: DurableObjectStateApi) => unknown>();
  let next = 0;
  const ns = world.runtime.namespace(
    "SQL",
    (state) => {
      states.push(state);
      return { run: async (n: number) => bodies.get(n)!(state.storage as unknown as Storage, state) };
    },
    { storage: "sqlite" },
  );
  const stub = ns.forPop("LHR").get(ns.idFromName("one"));
  const run = async <T>(body: (s: Storage, ctx: DurableObjectStateApi) => T | Promise<T>): Promise<T> => {
    const n = next++;
    bodies.set(n, body);
    const result = stub.call("run", n);
    await world.sim.runAsync();
    return (await result) as T;
  };
  return { world, run, states };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as EdgeError).code ?? (e as Error).message;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function errorOf(fn: () => unknown): { code: string | undefined; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    return { code: (e as EdgeError).code, message: (e as Error).message };
  }
  return undefined;
}

const ARTIST = "CREATE TABLE IF NOT EXISTS artist(artistid INTEGER PRIMARY KEY, artistname TEXT);INSERT OR IGNORE INTO artist (artistid, artistname) VALUES (123, 'Alice'), (456, 'Bob'), (789, 'Charlie');";

describe.each([
  ["in memory (simulation)", sqliteDatabases],
  ["in files (server mode)", fileDatabases],
] as const)("ctx.storage.sql %s", (_name, databases) => {
  it("behaves as Cloudflare's SQL API examples show", async () => {
    const { run } = await sqliteObject(databases);
    const seen = await run((s) => {
      s.sql.exec(ARTIST);
      const cursor = s.sql.exec("SELECT * FROM artist ORDER BY artistname ASC;");
      const first = cursor.raw().next();
      const rest = cursor.toArray();
      const counted = s.sql.exec("SELECT * FROM artist;");
      counted.next();
      const readAfterOne = counted.rowsRead;
      counted.toArray();
      return {
        first: first.value,
        rest,
        columnNames: s.sql.exec("SELECT * FROM artist;").columnNames,
        spread: [...s.sql.exec("SELECT artistid FROM artist ORDER BY artistid")],
        rawArray: s.sql.exec("SELECT * FROM artist ORDER BY artistid").raw().toArray(),
        one: s.sql.exec("SELECT * FROM artist WHERE artistname = ?;", "Alice").one(),
        oneError: messageOf(() => s.sql.exec("SELECT * FROM artist").one()),
        noneError: messageOf(() => s.sql.exec("SELECT * FROM artist WHERE artistid = 0").one()),
        readAfterOne,
        readAll: counted.rowsRead,
        written: s.sql.exec("UPDATE artist SET artistname = artistname WHERE artistid > ?", 200).rowsWritten,
      };
    });
    expect(seen.first).toEqual([123, "Alice"]);
    expect(seen.rest).toEqual([{ artistid: 456, artistname: "Bob" }, { artistid: 789, artistname: "Charlie" }]);
    expect(seen.columnNames).toEqual(["artistid", "artistname"]);
    expect(seen.spread).toEqual([{ artistid: 123 }, { artistid: 456 }, { artistid: 789 }]);
    expect(seen.rawArray).toEqual([[123, "Alice"], [456, "Bob"], [789, "Charlie"]]);
    expect(seen.one).toEqual({ artistid: 123, artistname: "Alice" });
    expect(seen.oneError).toBe("Expected exactly one result from SQL query, but got additional results.");
    expect(seen.noneError).toBe("Expected exactly one result from SQL query, but got no results.");
    expect([seen.readAfterOne, seen.readAll, seen.written]).toEqual([1, 3, 2]);
  });

  it("keeps key-value data in the same database and round-trips SQL value types", async () => {
    const { run } = await sqliteObject(databases);
    const out = await run(async (s) => {
      s.kv.put("a", { n: 1 });
      await s.put("b", [2]);
      s.sql.exec("CREATE TABLE v(x)");
      s.sql.exec("INSERT INTO v VALUES (?), (?), (?), (?), (?)", null, 1.5, "é😀", new Uint8Array([0, 255]).buffer, 2 ** 53);
      return {
        kv: [...s.kv.list()],
        async: [...(await s.list())],
        values: s.sql.exec("SELECT x, typeof(x) AS t FROM v").raw().toArray(),
        // A literal starting with _cf_ is refused like a name (it may be one); a binding is data.
        tables: s.sql.exec("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?", "_cf_KV").toArray(),
        deleted: s.kv.delete("a"),
        missing: s.kv.get("a"),
      };
    });
    expect(out.kv).toEqual([["a", { n: 1 }], ["b", [2]]]);
    expect(out.async).toEqual(out.kv);
    // A JavaScript number is bound as a double, as workerd binds it (INTEGER affinity would convert).
    expect(out.values).toEqual([[null, "null"], [1.5, "real"], ["é😀", "text"], [new Uint8Array([0, 255]).buffer, "blob"], [2 ** 53, "real"]]);
    // As on Cloudflare, the key-value table is listed but not readable.
    expect(out.tables).toEqual([{ name: "_cf_KV" }]);
    expect([out.deleted, out.missing]).toEqual([true, undefined]);
  });
});

describe("what user SQL may not do", () => {
  const hostile: Array<[string, string]> = [
    ["SELECT * FROM _cf_KV", SQL_NOT_AUTHORIZED_MESSAGE],
    ['select value from "_CF_kv"', SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT * FROM [_cf_KV]", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT * FROM `_Cf_Kv`", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT * FROM '_cf_KV'", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT * FROM main._cf_KV", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT 1; DELETE/**/FROM/**/_cf_UNDO", SQL_NOT_AUTHORIZED_MESSAGE],
    ["DROP TABLE _cf_TXN", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE TRIGGER t AFTER INSERT ON '_cf_KV' BEGIN SELECT 1; END", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE VIEW v AS SELECT * FROM _cf_META", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT _cf_txn()", SQL_NOT_AUTHORIZED_MESSAGE],
    ["BEGIN", SQL_TRANSACTION_MESSAGE],
    ["  begin TRANSACTION", SQL_TRANSACTION_MESSAGE],
    ["SELECT 1;\n-- x\nCOMMIT", SQL_TRANSACTION_MESSAGE],
    ["/* c */ SaVePoInT s", SQL_TRANSACTION_MESSAGE],
    ["RELEASE s", SQL_TRANSACTION_MESSAGE],
    ["END", SQL_TRANSACTION_MESSAGE],
    ["ROLLBACK", SQL_TRANSACTION_MESSAGE],
    ["ATTACH DATABASE 'x.db' AS x", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT 1; attach ':memory:' as m", SQL_NOT_AUTHORIZED_MESSAGE],
    ["DETACH main", SQL_NOT_AUTHORIZED_MESSAGE],
    ["PRAGMA writable_schema = ON", SQL_NOT_AUTHORIZED_MESSAGE],
    ["PRAGMA main.journal_mode = OFF", SQL_NOT_AUTHORIZED_MESSAGE],
    ["PRAGMA temp.foreign_keys = ON", SQL_NOT_AUTHORIZED_MESSAGE],
    ["PRAGMA foreign_keys = 2", SQL_NOT_AUTHORIZED_MESSAGE],
    ["PRAGMA data_version = 1", SQL_NOT_AUTHORIZED_MESSAGE],
    ["PRAGMA table_info", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT * FROM pragma_journal_mode", SQL_NOT_AUTHORIZED_MESSAGE],
    ["SELECT * FROM \"pragma_page_count\"", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE TEMP TABLE t(a)", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE TEMPORARY VIEW v AS SELECT 1", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE TABLE temp.t(a)", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE TABLE IF NOT EXISTS \"temp\".t(a)", SQL_NOT_AUTHORIZED_MESSAGE],
    ["CREATE VIRTUAL TABLE r USING rtree(id, a, b)", SQL_NOT_AUTHORIZED_MESSAGE],
    ["VACUUM", "cannot VACUUM from within a transaction: SQLITE_ERROR"],
    ["VACUUM INTO '/tmp/copy.db'", "cannot VACUUM from within a transaction: SQLITE_ERROR"],
    ["EXPLAIN ATTACH 'x' AS y", SQL_NOT_AUTHORIZED_MESSAGE],
  ];

  it.each(hostile)("refuses %j", async (sql, message) => {
    const { run } = await sqliteObject();
    expect(await run((s) => messageOf(() => s.sql.exec(sql)))).toBe(message);
  });

  it("refuses the whole query before any statement of it runs", async () => {
    const { run } = await sqliteObject();
    const rows = await run((s) => {
      s.sql.exec("CREATE TABLE t(a)");
      messageOf(() => s.sql.exec("INSERT INTO t VALUES (1); SELECT * FROM _cf_KV"));
      return s.sql.exec("SELECT count(*) AS n FROM t").one();
    });
    expect(rows).toEqual({ n: 0 });
  });

  it("allows what Cloudflare allows: its pragmas, FTS5, triggers and CASE ... END inside them", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      s.sql.exec("CREATE TABLE t(a INTEGER, b TEXT)");
      s.sql.exec("CREATE TABLE log(x)");
      s.sql.exec("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (CASE WHEN NEW.a > 1 THEN 'big' ELSE 'small' END); END; INSERT INTO t VALUES (2, 'x')");
      s.sql.exec("CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('edge networks at scale')");
      return {
        info: s.sql.exec("PRAGMA table_info(t)").toArray().map((r) => r["name"]),
        fn: s.sql.exec("SELECT name FROM pragma_table_info('t')").raw().toArray(),
        fk: s.sql.exec("PRAGMA foreign_keys = ON; PRAGMA foreign_keys").raw().toArray(),
        log: s.sql.exec("SELECT x FROM log").raw().toArray(),
        fts: s.sql.exec("SELECT body FROM docs WHERE docs MATCH 'edge'").raw().toArray(),
        quoted: s.sql.exec("SELECT 'it''s _cf_ in text' AS a").one(),
      };
    });
    expect(out.info).toEqual(["a", "b"]);
    expect(out.fn).toEqual([["a"], ["b"]]);
    expect(out.fk).toEqual([[1]]);
    expect(out.log).toEqual([["big"]]);
    expect(out.fts).toEqual([["edge networks at scale"]]);
    // A literal that merely contains _cf_ (not as a prefix) is data, not a name.
    expect(out.quoted).toEqual({ a: "it's _cf_ in text" });
  });

  it("legacy key-value objects (new_classes) refuse sql with Cloudflare's error", async () => {
    const world = makeWorld();
    let state: DurableObjectStateApi | undefined;
    const ns = world.runtime.namespace("LEGACY", (s) => {
      state = s;
      return { ping: async () => "pong" };
    });
    const r = ns.forPop("LHR").get(ns.idFromName("x")).call("ping");
    await world.sim.runAsync();
    await r;
    expect(messageOf(() => (state!.storage as unknown as { sql: unknown }).sql)).toBe(SQL_NOT_ENABLED_MESSAGE);
  });
});

describe("limits at their exact boundaries", () => {
  it("bound parameters: 100 run, 101 are refused; bindings must match the placeholders", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      const q = (n: number): string => `SELECT ${Array.from({ length: n }, () => "?").join(" + ")} AS s`;
      return {
        ok: s.sql.exec(q(DO_SQL_BOUND_PARAMETERS_MAX), ...Array(DO_SQL_BOUND_PARAMETERS_MAX).fill(1)).one(),
        over: codeOf(() => s.sql.exec(q(DO_SQL_BOUND_PARAMETERS_MAX + 1), ...Array(DO_SQL_BOUND_PARAMETERS_MAX + 1).fill(1))),
        numbered: codeOf(() => s.sql.exec(`SELECT ?${DO_SQL_BOUND_PARAMETERS_MAX + 1}`)),
        huge: codeOf(() => s.sql.exec("SELECT ?999999999")),
        wrong: messageOf(() => s.sql.exec("SELECT ?, ?", 1)),
        named: s.sql.exec("SELECT :a + :b + :a AS s", 1, 10).one(),
        earlier: messageOf(() => s.sql.exec("SELECT ?; SELECT ?", 1)),
        badType: codeOf(() => s.sql.exec("SELECT ?", undefined)),
      };
    });
    expect(out.ok).toEqual({ s: DO_SQL_BOUND_PARAMETERS_MAX });
    expect([out.over, out.numbered, out.huge]).toEqual(["DO_SQL_TOO_MANY_PARAMETERS", "DO_SQL_TOO_MANY_PARAMETERS", "DO_SQL_TOO_MANY_PARAMETERS"]);
    expect(out.wrong).toBe("Wrong number of parameter bindings for SQL query.");
    expect(out.named).toEqual({ s: 12 });
    expect(out.earlier).toBe("When executing multiple SQL statements in a single call, only the last statement can have parameters.");
    expect(out.badType).toBe("DO_SQL_BAD_BINDING");
  });

  it("statement length: 100,000 bytes run, 100,001 are refused (UTF-8 bytes, not characters)", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      const padded = (bytes: number, pad = " "): string => `SELECT 1${pad.repeat(Math.floor((bytes - 8) / Buffer.byteLength(pad)))}`;
      return {
        ok: s.sql.exec(padded(DO_SQL_STATEMENT_BYTES_MAX)).raw().toArray(),
        over: codeOf(() => s.sql.exec(`${padded(DO_SQL_STATEMENT_BYTES_MAX)} `)),
        multibyte: codeOf(() => s.sql.exec(`SELECT 1 -- ${"é".repeat(DO_SQL_STATEMENT_BYTES_MAX / 2)}`)),
      };
    });
    expect(out.ok).toEqual([[1]]);
    expect([out.over, out.multibyte]).toEqual(["DO_SQL_TOO_BIG", "DO_SQL_TOO_BIG"]);
  });

  it("columns: a table of 100 columns is created, 101 are refused and nothing is left behind", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      const cols = (n: number): string => Array.from({ length: n }, (_, i) => `c${i}`).join(", ");
      s.sql.exec(`CREATE TABLE ok(${cols(DO_SQL_COLUMNS_MAX)})`);
      return {
        over: codeOf(() => s.sql.exec(`CREATE TABLE bad(${cols(DO_SQL_COLUMNS_MAX + 1)})`)),
        alter: codeOf(() => s.sql.exec("ALTER TABLE ok ADD COLUMN extra")),
        result: codeOf(() => s.sql.exec(`SELECT ${cols(DO_SQL_COLUMNS_MAX + 1).replace(/c(\d+)/g, "$1 AS c$1")}`)),
        tables: s.sql.exec("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('ok', 'bad')").raw().toArray(),
        width: s.sql.exec("SELECT count(*) AS n FROM pragma_table_info('ok')").one(),
      };
    });
    expect([out.over, out.alter, out.result]).toEqual(["DO_SQL_TOO_MANY_COLUMNS", "DO_SQL_TOO_MANY_COLUMNS", "DO_SQL_TOO_MANY_COLUMNS"]);
    expect(out.tables).toEqual([["ok"]]);
    expect(out.width).toEqual({ n: DO_SQL_COLUMNS_MAX });
  });

  it("strings, BLOBs and rows: 2,000,000 bytes are stored, one more is refused however it is made", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      s.sql.exec("CREATE TABLE b(x, y)");
      s.sql.exec("INSERT INTO b VALUES (?, NULL)", new Uint8Array(DO_SQL_VALUE_BYTES_MAX).buffer);
      return {
        stored: s.sql.exec("SELECT length(x) AS n FROM b").one(),
        bound: codeOf(() => s.sql.exec("INSERT INTO b VALUES (?, NULL)", "x".repeat(DO_SQL_VALUE_BYTES_MAX + 1))),
        made: errorOf(() => s.sql.exec(`INSERT INTO b VALUES (zeroblob(${DO_SQL_VALUE_BYTES_MAX + 1}), NULL)`)),
        row: errorOf(() => s.sql.exec("UPDATE b SET y = 'z'")),
        read: codeOf(() => s.sql.exec(`SELECT zeroblob(${DO_SQL_VALUE_BYTES_MAX + 1})`)),
        count: s.sql.exec("SELECT count(*) AS n FROM b").one(),
      };
    });
    expect(out.stored).toEqual({ n: DO_SQL_VALUE_BYTES_MAX });
    expect(out.bound).toBe("DO_SQL_TOO_BIG");
    // Typed, naming the row's size and the limit, whether the value was made in SQL or the row grew.
    const tooBig = `string or blob too big (row of ${DO_SQL_VALUE_BYTES_MAX + 1} bytes; the limit is ${DO_SQL_VALUE_BYTES_MAX}): SQLITE_TOOBIG`;
    expect(out.made).toEqual({ code: "DO_SQL_TOO_BIG", message: tooBig });
    expect(out.row).toEqual({ code: "DO_SQL_TOO_BIG", message: tooBig });
    expect(out.read).toBe("DO_SQL_TOO_BIG");
    expect(out.count).toEqual({ n: 1 });
  });

  it("key-value entries: key and value together up to 2,000,000 bytes", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      // The value counts as its structured-clone serialisation: n bytes plus a small header.
      const header = serialize(new Uint8Array(DO_SQLITE_KEY_VALUE_BYTES_MAX)).byteLength - DO_SQLITE_KEY_VALUE_BYTES_MAX;
      const fits = new Uint8Array(DO_SQLITE_KEY_VALUE_BYTES_MAX - header - 1);
      expect(1 + serialize(fits).byteLength).toBe(DO_SQLITE_KEY_VALUE_BYTES_MAX);
      s.kv.put("k", fits);
      return {
        stored: (s.kv.get("k") as Uint8Array).byteLength,
        over: codeOf(() => s.kv.put("kk", fits)),
        legacyLimitGone: codeOf(() => s.kv.put("big", new Uint8Array(200_000))),
        keyAlone: codeOf(() => s.kv.put("x".repeat(4096), 1)),
      };
    });
    expect(out.stored).toBeGreaterThan(DO_SQLITE_KEY_VALUE_BYTES_MAX - 16);
    expect(out.over).toBe("DO_VALUE_TOO_LARGE");
    // 128 KiB values and 2 KiB keys are the legacy backend's limits, not this one's.
    expect([out.legacyLimitGone, out.keyAlone]).toEqual([undefined, undefined]);
  });

  it("database size: a write past the object's storage limit fails with SQLITE_FULL and is undone", async () => {
    const { run } = await sqliteObject((sim) =>
      new (sqliteDatabases(sim).constructor as typeof import("../../../src/storage/object-databases.js").MemoryObjectDatabases)({
        nowMs: () => sim.now(),
        rowBytesMax: DO_SQL_VALUE_BYTES_MAX,
        columnsMax: DO_SQL_COLUMNS_MAX,
        databaseBytesMax: 64 * 4096,
        historyWindowMs: DO_PITR_WINDOW_MS,
      }),
    );
    const out = await run((s) => {
      s.sql.exec("CREATE TABLE f(x)");
      const error = messageOf(() => s.sql.exec("INSERT INTO f VALUES (zeroblob(1000000))"));
      return { error, size: s.sql.databaseSize, rows: s.sql.exec("SELECT count(*) AS n FROM f").one() };
    });
    expect(out.error).toMatch(/database or disk is full/);
    expect(out.size).toBeLessThanOrEqual(64 * 4096);
    expect(out.rows).toEqual({ n: 0 });
  });
});

describe("transactions", () => {
  it("transactionSync is all or nothing, and rejects an async callback", async () => {
    const { run } = await sqliteObject();
    const out = await run((s) => {
      s.sql.exec("CREATE TABLE t(a)");
      const kept = s.transactionSync(() => {
        s.sql.exec("INSERT INTO t VALUES (1)");
        s.kv.put("k", 1);
        return "kept";
      });
      const thrown = messageOf(() =>
        s.transactionSync(() => {
          s.sql.exec("INSERT INTO t VALUES (2)");
          s.kv.put("k", 2);
          throw new Error("nope");
        }),
      );
      const nested = s.transactionSync(() => {
        s.sql.exec("INSERT INTO t VALUES (3)");
        messageOf(() => s.transactionSync(() => {
          s.sql.exec("INSERT INTO t VALUES (4)");
          throw new Error("inner");
        }));
        return s.sql.exec("SELECT a FROM t ORDER BY a").raw().toArray();
      });
      const asyncFn = codeOf(() => s.transactionSync((async () => 1) as never));
      return { kept, thrown, nested, asyncFn, k: s.kv.get("k") };
    });
    expect(out.kept).toBe("kept");
    expect(out.thrown).toBe("nope");
    expect(out.nested).toEqual([[1], [3]]);
    expect(out.asyncFn).toBe("DO_TRANSACTION_ASYNC");
    expect(out.k).toBe(1);
  });

  it("writes with no await between them commit together; a response waits for the commit", async () => {
    const { run } = await sqliteObject();
    const out = await run(async (s) => {
      s.sql.exec("CREATE TABLE t(a)");
      s.sql.exec("INSERT INTO t VALUES (1)");
      const before = await s.getCurrentBookmark();
      s.sql.exec("INSERT INTO t VALUES (2)");
      s.kv.put("x", 1);
      await Promise.resolve();
      const after = await s.getCurrentBookmark();
      return { before, after };
    });
    // One transaction for the two writes before the first await, one for the two after.
    expect(out.before.split("-")[1]).toBe("00000001");
    expect(out.after.split("-")[1]).toBe("00000002");
  });
});

describe("point-in-time recovery", () => {
  it("restores any moment of the last 30 days on the next session, and can undo the restore", async () => {
    const { world, run } = await sqliteObject();
    await run((s) => {
      s.sql.exec(ARTIST);
      s.kv.put("v", 1);
    });
    const t1 = world.sim.now();
    world.sim.schedule(2 * 86_400_000, () => undefined);
    await world.sim.runAsync();
    await run((s) => {
      s.sql.exec("DELETE FROM artist WHERE artistid = 456; UPDATE artist SET artistname = 'Zoe' WHERE artistid = 123");
      s.sql.exec("CREATE TABLE later(a); INSERT INTO later VALUES (1)");
      s.kv.put("v", 2);
    });
    const state = () => run((s) => ({ artists: s.sql.exec("SELECT * FROM artist ORDER BY artistid").raw().toArray(), v: s.kv.get("v"), later: s.sql.exec("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'later'").one() }));
    const changed = await state();
    const undo = await run(async (s, ctx) => {
      const bookmark = await s.getBookmarkForTime(t1);
      const pre = await s.onNextSessionRestoreBookmark(bookmark);
      try {
        ctx.abort!("restore");
      } catch {
        // abort() ends this instance; its caller sees an error.
      }
      return pre;
    }).catch((e: unknown) => e);
    expect(typeof undo === "string" || undo instanceof Error).toBe(true);
    const restored = await state();
    expect(restored).toEqual({ artists: [[123, "Alice"], [456, "Bob"], [789, "Charlie"]], v: 1, later: { n: 0 } });
    expect(changed.artists).toEqual([[123, "Zoe"], [789, "Charlie"]]);
  });

  it("brings back AUTOINCREMENT counters (sqlite_sequence), so ids issued after the bookmark are issued again", async () => {
    const { run } = await sqliteObject();
    const abortWith = (ctx: DurableObjectStateApi): void => {
      try {
        ctx.abort!();
      } catch {
        // The instance ends here.
      }
    };
    const insert = (s: Storage, body: string): unknown => s.sql.exec("INSERT INTO notes (body) VALUES (?) RETURNING id", body).one().id;
    const bookmark = await run((s) => {
      s.sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)");
      insert(s, "one");
      insert(s, "two");
      return s.getCurrentBookmark();
    });
    // Three more ids, then one deleted in a later transaction: the counter stays at 5.
    expect(await run((s) => [insert(s, "three"), insert(s, "four"), insert(s, "five")])).toEqual([3, 4, 5]);
    await run((s) => s.sql.exec("DELETE FROM notes WHERE id = 5"));
    const undo = await run(async (s, ctx) => {
      const pre = await s.onNextSessionRestoreBookmark(bookmark);
      abortWith(ctx);
      return pre;
    });
    expect(await run((s) => ({ rows: s.sql.exec("SELECT id, body FROM notes ORDER BY id").raw().toArray(), next: insert(s, "again") }))).toEqual({ rows: [[1, "one"], [2, "two"]], next: 3 });
    // Undoing the restore brings back the later counter too.
    await run(async (s, ctx) => {
      await s.onNextSessionRestoreBookmark(undo);
      abortWith(ctx);
    });
    expect(await run((s) => ({ ids: s.sql.exec("SELECT id FROM notes ORDER BY id").raw().toArray().flat(), next: insert(s, "six") }))).toEqual({ ids: [1, 2, 3, 4], next: 6 });
  });

  it("refuses a time older than 30 days and a forged bookmark", async () => {
    const { world, run } = await sqliteObject();
    world.sim.schedule(DO_PITR_WINDOW_MS + 10, () => undefined);
    await world.sim.runAsync();
    const out = await run(async (s) => ({
      old: await s.getBookmarkForTime(world.sim.now() - DO_PITR_WINDOW_MS - 1).catch((e: EdgeError) => e.code),
      edge: typeof (await s.getBookmarkForTime(world.sim.now() - DO_PITR_WINDOW_MS)),
      forged: await s.onNextSessionRestoreBookmark("00000001-00000000-00000000000000000000000000000000").catch((e: EdgeError) => e.code),
    }));
    expect(out).toEqual({ old: "DO_BOOKMARK_OUT_OF_RANGE", edge: "string", forged: "DO_BOOKMARK_INVALID" });
  });
});

describe("throughput limit", () => {
  it("answers Cloudflare's overload error past the per-object limit, deterministically", async () => {
    const world = makeWorld({ databases: sqliteDatabases, overloadRequestsMax: 50 });
    const ns = world.runtime.namespace("HOT", () => ({ hit: async () => "ok" }), { storage: "sqlite" });
    const stub = ns.forPop("LHR").get(ns.idFromName("hot"));
    const outcomes = await Promise.all([
      ...Array.from({ length: 60 }, () => stub.call("hit").catch((e: EdgeError & { overloaded?: boolean }) => `${e.message}|${e.overloaded}`)),
      world.sim.runAsync().then(() => "ran"),
    ]);
    const results = outcomes.slice(0, 60);
    expect(results.filter((r) => r === "ok")).toHaveLength(50);
    expect(results.filter((r) => r === `${DO_OVERLOADED_MESSAGE}|true`)).toHaveLength(10);
    // Ten seconds later the window has moved on.
    world.sim.schedule(10_000, () => undefined);
    await world.sim.runAsync();
    const later = stub.call("hit");
    await world.sim.runAsync();
    expect(await later).toBe("ok");
  });
});

describe("migration of a SQLite-backed object", () => {
  it("a replaced instance's open transaction never commits, and the new instance sees only committed rows", async () => {
    const world = makeWorld({ databases: sqliteDatabases });
    const ns = world.runtime.namespace(
      "MOVING",
      (state) => {
        const s = state.storage as unknown as Storage;
        s.sql.exec("CREATE TABLE IF NOT EXISTS t(a)");
        return {
          slow: () =>
            s.transaction(async () => {
              s.sql.exec("INSERT INTO t VALUES ('old')");
              await world.sim.sleep(50);
              s.sql.exec("INSERT INTO t VALUES ('old, after the move')");
            }),
          rows: async () => s.sql.exec("SELECT a FROM t").raw().toArray(),
        };
      },
      { storage: "sqlite" },
    );
    const id = ns.idFromName("mover");
    const slow = ns.forPop("LHR").get(id).call("slow").catch((e: EdgeError) => e.code);
    world.sim.schedule(10, () => {
      world.runtime.markRegionUnhealthy("LHR");
    });
    const rows = world.sim.sleep(20).then(() => ns.forPop("CDG").get(id).call("rows"));
    await world.sim.runAsync();
    expect(await rows).toEqual([]);
    expect(await slow).toBe("DO_INSTANCE_SUPERSEDED");
    const later = ns.forPop("CDG").get(id).call("rows");
    await world.sim.runAsync();
    expect(await later).toEqual([]);
  });
});

describe("point-in-time recovery across schema changes", () => {
  it("brings back dropped tables, indexes and an FTS5 table's schema; undoes a restore", async () => {
    const { run } = await sqliteObject();
    const before = await run(async (s) => {
      s.sql.exec("CREATE TABLE a(x INTEGER PRIMARY KEY, y TEXT); CREATE INDEX a_y ON a(y); INSERT INTO a VALUES (1, 'one'), (2, 'two')");
      s.sql.exec("CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID; INSERT INTO w VALUES ('k', x'00ff')");
      s.sql.exec("CREATE VIRTUAL TABLE docs USING fts5(body)");
      return s.getCurrentBookmark();
    });
    await run((s) => {
      s.sql.exec("DROP TABLE a; UPDATE w SET v = 'changed'; ALTER TABLE w ADD COLUMN extra; DROP TABLE docs");
      s.sql.exec("CREATE TABLE b(z)");
    });
    // Internal names are matched through a binding: a literal starting with _cf_ is refused.
    const schema = (s: Storage): unknown => s.sql.exec("SELECT type, name FROM sqlite_schema WHERE substr(name, 1, 4) <> ? AND substr(name, 1, 5) <> 'docs_' ORDER BY name", "_cf_").raw().toArray();
    const undo = await run(async (s, ctx) => {
      const pre = await s.onNextSessionRestoreBookmark(before);
      try {
        ctx.abort!();
      } catch {
        // The instance ends here.
      }
      return pre;
    });
    const restored = await run((s) => ({ schema: schema(s), a: s.sql.exec("SELECT * FROM a ORDER BY x").raw().toArray(), w: s.sql.exec("SELECT * FROM w").raw().toArray() }));
    expect(restored.schema).toEqual([["table", "a"], ["index", "a_y"], ["table", "docs"], ["table", "w"]]);
    expect(restored.a).toEqual([[1, "one"], [2, "two"]]);
    expect(restored.w).toEqual([["k", new Uint8Array([0, 255]).buffer]]);
    await run(async (s, ctx) => {
      await s.onNextSessionRestoreBookmark(undo);
      try {
        ctx.abort!();
      } catch {
        // The instance ends here.
      }
    });
    const again = await run((s) => ({ schema: schema(s), w: s.sql.exec("SELECT * FROM w").raw().toArray() }));
    expect(again.schema).toEqual([["table", "b"], ["table", "w"]]);
    expect(again.w).toEqual([["k", "changed", null]]);
  });
});
