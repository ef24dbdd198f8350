import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { DurableObjectStateApi } from "../../../src/core/bindings.js";
import { DO_PITR_WINDOW_MS, DO_SQL_COLUMNS_MAX, DO_SQL_VALUE_BYTES_MAX, DO_SQLITE_DATABASE_BYTES_MAX } from "../../../src/durable-objects/limits.js";
import type { SqliteDurableObjectStorage } from "../../../src/durable-objects/sqlite-object-storage.js";
import { FileObjectDatabases, type ObjectDatabases } from "../../../src/storage/object-databases.js";
import type { Simulation } from "../../../src/sim/index.js";
import { makeWorld, sqliteDatabases } from "./world.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Op =
  | { op: "kvPut"; key: string; value: number }
  | { op: "kvDelete"; key: string }
  | { op: "sql"; query: string; args: Array<string | number | null> }
  | { op: "txn"; query: string; fails: boolean }
  | { op: "asyncTxn"; key: string; fails: boolean; clear: boolean };

const key = fc.constantFrom("a", "b", "é", "\u{1F600}", "");
const sqlOp = fc.oneof(
  fc.record({ op: fc.constant("sql" as const), query: fc.constant("INSERT INTO t (k, v) VALUES (?, ?)"), args: fc.tuple(fc.constantFrom("x", "y", "z"), fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 3 }))) }),
  fc.record({ op: fc.constant("sql" as const), query: fc.constant("UPDATE t SET v = ? WHERE k = ?"), args: fc.tuple(fc.integer(), fc.constantFrom("x", "y")) }),
  fc.record({ op: fc.constant("sql" as const), query: fc.constant("DELETE FROM t WHERE k = ?"), args: fc.tuple(fc.constantFrom("x", "y", "z")) }),
  fc.record({ op: fc.constant("sql" as const), query: fc.constantFrom("SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k ORDER BY k", "SELECT * FROM t WHERE k = 'never'", "CREATE INDEX IF NOT EXISTS by_v ON t(v)", "SELECT * FROM _cf_KV", "BEGIN"), args: fc.constant([]) }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("kvPut" as const), key, value: fc.integer() }),
  fc.record({ op: fc.constant("kvDelete" as const), key }),
  sqlOp.map((o) => ({ ...o, args: [...o.args] })),
  fc.record({ op: fc.constant("txn" as const), query: fc.constantFrom("INSERT INTO t (k, v) VALUES ('w', 1)", "DELETE FROM t"), fails: fc.boolean() }),
  fc.record({ op: fc.constant("asyncTxn" as const), key, fails: fc.boolean(), clear: fc.boolean() }),
);

function fileDatabases(sim: Simulation): ObjectDatabases {
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-diff-"));
  dirs.push(dir);
  return new FileObjectDatabases(dir, { nowMs: () => sim.now(), rowBytesMax: DO_SQL_VALUE_BYTES_MAX, columnsMax: DO_SQL_COLUMNS_MAX, databaseBytesMax: DO_SQLITE_DATABASE_BYTES_MAX, historyWindowMs: DO_PITR_WINDOW_MS });
}

/** Runs the ops in one object and records every answer and error, then the final state. */
async function trace(databases: (sim: Simulation) => ObjectDatabases, ops: readonly Op[]): Promise<unknown[]> {
  const world = makeWorld({ databases });
  const out: unknown[] = [];
  const ns = world.runtime.namespace(
    "DIFF",
    (state: DurableObjectStateApi) => {
      const s = state.storage as unknown as SqliteDurableObjectStorage;
      s.sql.exec("CREATE TABLE IF NOT EXISTS t (k TEXT, v)");
      const record = (fn: () => unknown): void => {
        try {
          out.push(fn());
        } catch (e) {
          out.push(`error: ${(e as Error).message}`);
        }
      };
      return {
        run: async () => {
          for (const o of ops) {
            if (o.op === "kvPut") record(() => s.kv.put(o.key, o.value));
            else if (o.op === "kvDelete") record(() => s.kv.delete(o.key));
            else if (o.op === "sql") record(() => { const c = s.sql.exec(o.query, ...o.args); return [c.toArray(), c.rowsWritten]; });
            else if (o.op === "txn") record(() => s.transactionSync(() => { s.sql.exec(o.query); s.kv.put("t", 1); if (o.fails) throw new Error("fail"); return "ok"; }));
            else {
              out.push(
                await s
                  .transaction(async (txn) => {
                    await txn.put(o.key, "in txn");
                    if (o.clear) await txn.deleteAll();
                    if (o.fails) throw new Error("fail");
                    return [...(await txn.list())].length;
                  })
                  .catch((e: Error) => `error: ${e.message}`),
              );
              s.sql.exec("CREATE TABLE IF NOT EXISTS t (k TEXT, v)");
            }
          }
          out.push([...s.kv.list()], s.sql.exec("SELECT * FROM t ORDER BY rowid").raw().toArray(), await s.getCurrentBookmark());
          return "done";
        },
      };
    },
    { storage: "sqlite" },
  );
  const done = ns.forPop("LHR").get(ns.idFromName("diff")).call("run");
  await world.sim.runAsync();
  expect(await done).toBe("done");
  return out;
}

describe("SQLite-backed storage: simulation (memory) and server (file) agree", () => {
  it("same operations, same answers, same errors, same final state and bookmark", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        expect(await trace(fileDatabases, ops)).toEqual(await trace(sqliteDatabases, ops));
      }),
      { numRuns: 25 },
    );
  });
});
