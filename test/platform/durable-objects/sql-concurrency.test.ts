import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SqliteDurableObjectStorage } from "../../../src/durable-objects/sqlite-object-storage.js";
import { makeWorld, sqliteDatabases } from "./world.js";

type Op =
  | { kind: "transfer"; amount: number; delayMs: number; fails: boolean } // transaction(), awaits inside
  | { kind: "transferSync"; amount: number; fails: boolean } // transactionSync()
  | { kind: "audit" };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("transfer" as const), amount: fc.integer({ min: 1, max: 5 }), delayMs: fc.integer({ min: 0, max: 5 }), fails: fc.boolean() }),
  fc.record({ kind: fc.constant("transferSync" as const), amount: fc.integer({ min: 1, max: 5 }), fails: fc.boolean() }),
  fc.constant({ kind: "audit" as const }),
);

/**
 * Concurrent requests to one SQLite-backed object never observe a torn transaction: however the
 * requests arrive and however long a transaction awaits inside, every audit sees the money in
 * one of the two accounts, and the final balances are exactly the committed transfers.
 */
describe("SQLite-backed object under concurrent requests", () => {
  it("no request observes a torn transaction, and failed ones leave nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(op, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 25 }), async (ops) => {
        const world = makeWorld({ databases: sqliteDatabases });
        const ns = world.runtime.namespace(
          "BANK",
          (state) => {
            const s = state.storage as unknown as SqliteDurableObjectStorage;
            s.sql.exec("CREATE TABLE IF NOT EXISTS acct(id TEXT PRIMARY KEY, n INTEGER); INSERT OR IGNORE INTO acct VALUES ('a', 100), ('b', 0)");
            const move = (amount: number): void => {
              s.sql.exec("UPDATE acct SET n = n - ? WHERE id = 'a'", amount);
              s.sql.exec("UPDATE acct SET n = n + ? WHERE id = 'b'", amount);
            };
            return {
              transfer: (amount: number, delayMs: number, fails: boolean) =>
                s.transaction(async () => {
                  s.sql.exec("UPDATE acct SET n = n - ? WHERE id = 'a'", amount);
                  await world.sim.sleep(delayMs);
                  s.sql.exec("UPDATE acct SET n = n + ? WHERE id = 'b'", amount);
                  if (fails) throw new Error("declined");
                  return amount;
                }),
              transferSync: async (amount: number, fails: boolean) =>
                s.transactionSync(() => {
                  move(amount);
                  if (fails) throw new Error("declined");
                  return amount;
                }),
              audit: async () => s.sql.exec("SELECT sum(n) AS total, (SELECT n FROM acct WHERE id = 'b') AS b FROM acct").one(),
            };
          },
          { storage: "sqlite" },
        );
        const stub = ns.forPop("LHR").get(ns.idFromName("bank"));
        const calls = ops.map(([o, startMs]) =>
          world.sim.sleep(startMs).then(() =>
            o.kind === "audit" ? stub.call("audit") : o.kind === "transfer" ? stub.call("transfer", o.amount, o.delayMs, o.fails) : stub.call("transferSync", o.amount, o.fails),
          ).catch((e: Error) => e.message),
        );
        await world.sim.runAsync();
        const results = await Promise.all(calls);
        let committed = 0;
        results.forEach((r, i) => {
          const o = ops[i]![0];
          if (o.kind === "audit") expect((r as { total: number }).total).toBe(100);
          else if (o.fails) expect(r).toMatch(/declined/);
          else committed += r as number;
        });
        const final = stub.call("audit");
        await world.sim.runAsync();
        expect(await final).toEqual({ total: 100, b: committed });
      }),
      { numRuns: 60 },
    );
  });
});
