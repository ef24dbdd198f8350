// The linearizability checker on the SQL path: concurrent requests to one SQLite-backed object
// append to rows with several SQL statements per operation (an implicit transaction, a
// transactionSync, a transaction() that awaits between its statements, some throwing) and
// read them; the history they produce, with its virtual call and return times, must be
// linearizable for the key-value model with append. A racy append (an await between two
// statements outside any transaction) shows the check is not vacuous: it is refuted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SqliteDurableObjectStorage } from "../../../src/durable-objects/sqlite-object-storage.js";
import { checkLinearizable, kvModel, type KvInput, type KvOutput, type Operation } from "../../../src/lin/index.js";
import { makeWorld, sqliteDatabases } from "./world.js";

type How = "implicit" | "sync" | "async" | "racy";
type Op = { kind: "append"; key: string; how: How; delayMs: number; fails: boolean } | { kind: "get"; key: string };

const KEYS = ["a", "b", "__proto__"];

/** Runs `ops` (each started at its own virtual time) against one object; returns the history of what succeeded. */
async function run(ops: ReadonlyArray<readonly [Op, number]>): Promise<Operation<KvInput, KvOutput>[]> {
  const world = makeWorld({ databases: sqliteDatabases });
  const ns = world.runtime.namespace(
    "LOG",
    (state) => {
      const s = state.storage as unknown as SqliteDurableObjectStorage;
      s.sql.exec("CREATE TABLE IF NOT EXISTS log(k TEXT PRIMARY KEY, v TEXT NOT NULL)");
      for (const k of KEYS) s.sql.exec("INSERT OR IGNORE INTO log VALUES (?, '')", k);
      // Each append writes its value in two statements: a reader between them sees half of it.
      const half = (key: string, text: string): void => void s.sql.exec("UPDATE log SET v = v || ? WHERE k = ?", text, key);
      return {
        append: async (key: string, value: string, how: How, delayMs: number, fails: boolean) => {
          const [first, second] = [value.slice(0, 2), value.slice(2)];
          const both = (): void => {
            half(key, first);
            half(key, second);
            if (fails) throw new Error("declined");
          };
          if (how === "implicit") both();
          else if (how === "sync") s.transactionSync(both);
          else if (how === "async") {
            await s.transaction(async () => {
              half(key, first);
              await world.sim.sleep(delayMs);
              half(key, second);
              if (fails) throw new Error("declined");
            });
          } else {
            half(key, first);
            await world.sim.sleep(delayMs);
            half(key, second);
          }
        },
        get: async (key: string) => (s.sql.exec("SELECT v FROM log WHERE k = ?", key).one() as { v: string }).v,
      };
    },
    { storage: "sqlite" },
  );
  const stub = ns.forPop("LHR").get(ns.idFromName("log"));
  const history: Operation<KvInput, KvOutput>[] = [];
  let n = 0;
  const calls = ops.map(([op, startMs], i) =>
    world.sim.sleep(startMs).then(async () => {
      const call = world.sim.now();
      if (op.kind === "get") {
        const output = (await stub.call("get", op.key)) as string;
        history.push({ clientId: i, input: { kind: "get", key: op.key }, output, call, ret: world.sim.now() });
        return;
      }
      // Unique values of 4+ characters, so a torn append is visible as half a value.
      const value = `<${n++}>`.padEnd(4, "~");
      try {
        await stub.call("append", op.key, value, op.how, op.delayMs, op.fails);
        history.push({ clientId: i, input: { kind: "append", key: op.key, value }, output: undefined, call, ret: world.sim.now() });
      } catch (error) {
        if (!/declined/.test((error as Error).message)) throw error;
        // A rolled-back transaction did not happen (Jepsen's :fail): it leaves no operation.
        // A method that throws after writes outside any explicit transaction does not undo
        // them; its caller only knows the outcome is unknown (Jepsen's :info).
        if (op.how === "implicit") history.push({ clientId: i, input: { kind: "append", key: op.key, value }, output: undefined, call, ret: Number.POSITIVE_INFINITY, unknown: true });
      }
    }),
  );
  await world.sim.runAsync();
  await Promise.all(calls);
  return history;
}

const safeOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("append" as const), key: fc.constantFrom(...KEYS), how: fc.constantFrom<How>("implicit", "sync", "async"), delayMs: fc.integer({ min: 0, max: 4 }), fails: fc.boolean() }),
  fc.record({ kind: fc.constant("get" as const), key: fc.constantFrom(...KEYS) }),
);

describe("the SQL path under the linearizability checker", () => {
  it("appends made of several statements, in any kind of transaction, are linearizable; rolled-back ones leave nothing", async () => {
    // Seeds and a replay command are printed by fast-check when this fails.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(safeOp, fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 30 }), async (ops) => {
        const history = await run(ops);
        const result = checkLinearizable(kvModel({ missing: "" }), history);
        expect(result.ok, result.ok === true ? "" : result.reason).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("refutes an append whose two statements are split by an await outside any transaction", async () => {
    const history = await run([
      [{ kind: "append", key: "a", how: "racy", delayMs: 5, fails: false }, 0],
      [{ kind: "get", key: "a" }, 2],
    ]);
    expect(history.find((o) => o.input.kind === "get")?.output).toBe("<0");
    const result = checkLinearizable(kvModel({ missing: "" }), history);
    expect(result.ok).toBe(false);
  });
});
