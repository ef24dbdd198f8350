import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DurableObjectStateApi, DurableObjectStorageApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { MemoryStorageEngine, SqliteStorage, type StorageEngine } from "../../../src/storage/index.js";
import { makeWorld, sqliteDatabases } from "./world.js";

/** The model: a plain map, and UTF-8 byte order done with Buffer.compare (not the code under test). */
interface Model {
  data: Map<string, unknown>;
}
type Real = DurableObjectStorageApi;
type ListOptions = { start?: string; startAfter?: string; end?: string; prefix?: string; reverse?: boolean; limit?: number };

const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");
function modelList(model: Model, o: ListOptions): Array<[string, unknown]> {
  let keys = [...model.data.keys()].filter(
    (k) =>
      (o.prefix === undefined || k.startsWith(o.prefix)) &&
      (o.start === undefined || Buffer.compare(utf8(k), utf8(o.start)) >= 0) &&
      (o.startAfter === undefined || Buffer.compare(utf8(k), utf8(o.startAfter)) > 0) &&
      (o.end === undefined || Buffer.compare(utf8(k), utf8(o.end)) < 0),
  );
  keys.sort((a, b) => Buffer.compare(utf8(a), utf8(b)));
  if (o.reverse === true) keys.reverse();
  if (o.limit !== undefined) keys = keys.slice(0, o.limit);
  return keys.map((k) => [k, model.data.get(k)]);
}

// Few keys, so operations collide; astral, BMP-high and accented keys test the sort order.
const key = fc.constantFrom("", "\u0000a", "a", "ab", "abc", "b", "b\u00e9", "z", "\uFFFD", "\u{1F600}", "\u{1F600}x");
const value = fc.oneof(
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.record({ n: fc.integer(), tags: fc.array(fc.string(), { maxLength: 2 }) }),
);
const listOptions = fc
  .record(
    { start: key, startAfter: key, end: key, prefix: fc.constantFrom("", "a", "b", "\u{1F600}"), reverse: fc.boolean(), limit: fc.integer({ min: 1, max: 5 }) },
    { requiredKeys: [] },
  )
  .filter((o) => o.start === undefined || o.startAfter === undefined);
type TxnOp = { op: "put"; key: string; value: unknown } | { op: "delete"; key: string };
const txnOp: fc.Arbitrary<TxnOp> = fc.oneof(
  fc.record({ op: fc.constant("put" as const), key, value }),
  fc.record({ op: fc.constant("delete" as const), key }),
);

function cmd(name: string, run: (m: Model, r: Real) => Promise<void>): fc.AsyncCommand<Model, Real> {
  return { check: () => true, run, toString: () => name };
}

const commands = [
  fc.tuple(key, value).map(([k, v]) =>
    cmd(`put(${JSON.stringify(k)})`, async (m, r) => {
      await r.put(k, v);
      m.data.set(k, v);
    }),
  ),
  fc.dictionary(key, value, { maxKeys: 4 }).map((entries) =>
    cmd(`put({${Object.keys(entries).join(",")}})`, async (m, r) => {
      await r.put(entries);
      for (const [k, v] of Object.entries(entries)) m.data.set(k, v);
    }),
  ),
  key.map((k) =>
    cmd(`get(${JSON.stringify(k)})`, async (m, r) => {
      expect(await r.get(k)).toEqual(m.data.get(k));
    }),
  ),
  fc.array(key, { maxLength: 4 }).map((keys) =>
    cmd(`get([${keys.length}])`, async (m, r) => {
      const expected = modelList(m, {}).filter(([k]) => (keys as readonly string[]).includes(k));
      expect([...(await r.get(keys))]).toEqual(expected);
    }),
  ),
  key.map((k) =>
    cmd(`delete(${JSON.stringify(k)})`, async (m, r) => {
      expect(await r.delete(k)).toBe(m.data.has(k));
      m.data.delete(k);
    }),
  ),
  fc.uniqueArray(key, { maxLength: 4 }).map((keys) =>
    cmd(`delete([${keys.length}])`, async (m, r) => {
      expect(await r.delete(keys)).toBe(keys.filter((k) => m.data.has(k)).length);
      for (const k of keys) m.data.delete(k);
    }),
  ),
  listOptions.map((o) =>
    cmd(`list(${JSON.stringify(o)})`, async (m, r) => {
      expect([...(await r.list(o))]).toEqual(modelList(m, o));
    }),
  ),
  fc.constant(
    cmd("deleteAll()", async (m, r) => {
      await r.deleteAll();
      m.data.clear();
    }),
  ),
  fc.tuple(fc.array(txnOp, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([ops, abort]) =>
    cmd(`transaction(${ops.length} ops, ${abort ? "throws" : "commits"})`, async (m, r) => {
      const shadow = new Map(m.data);
      const run = r.transaction(async (txn) => {
        for (const o of ops) {
          if (o.op === "put") await txn.put(o.key, o.value);
          else expect(await txn.delete(o.key)).toBe(shadow.has(o.key));
          if (o.op === "put") shadow.set(o.key, o.value);
          else shadow.delete(o.key);
          // Reads inside the transaction see its own writes.
          expect(await txn.get(o.key)).toEqual(shadow.get(o.key));
        }
        expect([...(await txn.list())]).toEqual(modelList({ data: shadow }, {}));
        if (abort) throw new Error("abort");
        return "committed";
      });
      if (abort) await expect(run).rejects.toThrow("abort");
      else {
        expect(await run).toBe("committed");
        m.data = shadow;
      }
    }),
  ),
  fc.tuple(fc.dictionary(key, value, { maxKeys: 3 }), key).map(([entries, badKey]) =>
    cmd(`put({…, ${JSON.stringify(badKey)}: function})`, async (_m, r) => {
      // One unserialisable value fails the whole batch: nothing is stored half-way.
      const error = await r.put({ ...entries, [badKey]: () => 1 }).catch((e: unknown) => e);
      expect((error as EdgeError).code).toBe("DO_VALUE_NOT_SERIALIZABLE");
    }),
  ),
];

async function storageOf(engine: StorageEngine, backend: "kv" | "sqlite"): Promise<Real> {
  const { sim, runtime } = makeWorld({ engine: () => engine, databases: (s) => sqliteDatabases(s) });
  let state: DurableObjectStateApi | undefined;
  const ns = runtime.namespace("MODEL", (s) => {
    state = s;
    return { async ping(): Promise<string> { return "pong"; } };
  }, { storage: backend });
  const woken = ns.forPop("LHR").get(ns.idFromName("m")).call("ping");
  await sim.runAsync();
  await woken;
  return (state as DurableObjectStateApi).storage;
}

describe.each([
  ["memory engine", (): StorageEngine => new MemoryStorageEngine(), "kv"],
  ["SQLite engine", (): StorageEngine => SqliteStorage.open(":memory:"), "kv"],
  ["SQLite backend, new_sqlite_classes", (): StorageEngine => new MemoryStorageEngine(), "sqlite"],
] as const)("DO storage against a Map model (%s)", (_name, makeEngine, backend) => {
  it("get/put/delete/list/deleteAll/transaction agree with the model, including rollback", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { size: "-1" }), async (cmds) => {
        const real = await storageOf(makeEngine(), backend);
        const model: Model = { data: new Map() };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        // Whatever ran, a final full listing matches the model.
        expect([...(await real.list())]).toEqual(modelList(model, {}));
      }),
      { numRuns: 40 },
    );
  });
});
