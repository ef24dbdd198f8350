import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KvStore, MemoryKvBackend, TableKvBackend, type KvBackend } from "../../../src/kv/index.js";
import { Simulation } from "../../../src/sim/index.js";
import { MemoryKvTable, SqliteStorage } from "../../../src/storage/index.js";
import { POP_CODES, START_MS } from "./world.js";

type Op =
  | { kind: "put"; pop: number; key: string; value: string }
  | { kind: "delete"; pop: number; key: string }
  | { kind: "get"; pop: number; key: string }
  | { kind: "list"; pop: number; prefix: string }
  | { kind: "wait"; ms: number };

const key = fc.constantFrom("a", "ab", "b", "b/1", "é", "z");
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), pop: fc.nat(4), key, value: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant("delete" as const), pop: fc.nat(4), key }),
  fc.record({ kind: fc.constant("get" as const), pop: fc.nat(4), key }),
  fc.record({ kind: fc.constant("list" as const), pop: fc.nat(4), prefix: fc.constantFrom("", "a", "b") }),
  fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
);

/** Runs the same operations, on the same seed, over a store with the given backend. */
async function observe(ops: Op[], backend: KvBackend): Promise<unknown[]> {
  const sim = new Simulation({ seed: 7, startMs: START_MS, trace: false });
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops: POP_CODES, backend });
  const ns = store.namespace("NS");
  const seen: unknown[] = [];
  for (const o of ops) {
    if (o.kind === "wait") {
      sim.run(sim.now() + o.ms);
      continue;
    }
    const kv = ns.atPop(POP_CODES[o.pop]!);
    try {
      if (o.kind === "put") await kv.put(o.key, o.value);
      else if (o.kind === "delete") await kv.delete(o.key);
      else if (o.kind === "get") seen.push(await kv.get(o.key));
      else seen.push((await kv.list({ prefix: o.prefix })).keys.map((k) => k.name));
    } catch (error) {
      seen.push((error as { code?: string }).code ?? String(error));
    }
    sim.run(sim.now() + 1_100);
  }
  sim.run(sim.now() + 200_000);
  for (const pop of POP_CODES) seen.push((await ns.atPop(pop).list()).keys.map((k) => k.name));
  return seen;
}

describe("KV on a KvTable backend (SQLite in server mode)", () => {
  it("answers exactly as the in-memory backend, tombstones included", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const memory = await observe(ops, new MemoryKvBackend());
        expect(await observe(ops, new TableKvBackend(() => new MemoryKvTable()))).toEqual(memory);
        const sqlite = SqliteStorage.open(":memory:");
        expect(await observe(ops, new TableKvBackend((ns) => sqlite.kvTable(ns)))).toEqual(memory);
        sqlite.close();
      }),
      { numRuns: 40 },
    );
  });

  it("keeps values, metadata and deletes across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-kata-kv-"));
    try {
      const open = (): { db: SqliteStorage; store: KvStore; sim: Simulation } => {
        const db = SqliteStorage.open(join(dir, "edge.sqlite"));
        const sim = new Simulation({ seed: 1, startMs: START_MS, trace: false });
        const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops: ["LHR"], backend: new TableKvBackend((ns) => db.kvTable(ns)) });
        return { db, store, sim };
      };
      const first = open();
      const kv = first.store.namespace("NS").atPop("LHR");
      await kv.put("kept", "value", { metadata: { v: 1 } });
      await kv.put("gone", "x");
      first.sim.run(START_MS + 2_000);
      await kv.delete("gone");
      first.db.close();
      const second = open();
      const again = second.store.namespace("NS").atPop("LHR");
      expect(await again.getWithMetadata("kept")).toMatchObject({ value: "value", metadata: { v: 1 } });
      expect(await again.get("gone")).toBeNull();
      expect((await again.list()).keys.map((k) => k.name)).toEqual(["kept"]);
      second.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("KV key validation for UTF-8 storage", () => {
  it("rejects a key with a lone surrogate instead of merging it with U+FFFD", async () => {
    const sim = new Simulation({ seed: 1, startMs: START_MS, trace: false });
    const kv = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops: ["LHR"] }).namespace("NS").atPop("LHR");
    await expect(kv.put("a\ud800", "x")).rejects.toMatchObject({ code: "KV_KEY_INVALID", status: 400 });
    await kv.put("a\ufffd", "y");
    expect(await kv.get("a\ufffd")).toBe("y");
  });
});
