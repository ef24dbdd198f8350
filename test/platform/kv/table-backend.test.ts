import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
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
  const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops: POP_CODES, backend, ownWriteMissProbability: 0.2 });
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

  it("keeps values, metadata, expirations and deletes across restarts; caches start cold, so a restart never serves an older copy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-kata-kv-"));
    try {
      // Each "process" opens the same SQLite file with a clock that starts where the last one stopped.
      let clockMs = START_MS;
      const open = (): { db: SqliteStorage; kv: (pop: string) => KvNamespaceApi; sim: Simulation; close(): void } => {
        const db = SqliteStorage.open(join(dir, "edge.sqlite"));
        const sim = new Simulation({ seed: 1, startMs: clockMs, trace: false });
        const ns = new KvStore({ clock: sim.clock, rng: sim.rng, pops: ["LHR", "NRT"], backend: new TableKvBackend((id) => db.kvTable(id)) }).namespace("NS");
        return { db, kv: (pop) => ns.atPop(pop), sim, close: (): void => ((clockMs = sim.now()), db.close()) };
      };
      const first = open();
      await first.kv("LHR").put("kept", "value", { metadata: { v: 1 } });
      await first.kv("LHR").put("gone", "x");
      await first.kv("LHR").put("brief", "y", { expirationTtl: 60 });
      await first.kv("LHR").put("__proto__", "proto value");
      expect(await first.kv("NRT").get("kept")).toBe("value"); // NRT caches "value" for 60 s
      first.sim.run(START_MS + 2_000);
      await first.kv("LHR").delete("gone");
      await first.kv("LHR").put("kept", "changed", { metadata: { v: 2 } });
      first.close();

      const second = open();
      // NRT's cache did not survive the restart: it reads the central store, not "value".
      expect(await second.kv("NRT").getWithMetadata("kept")).toMatchObject({ value: "changed", metadata: { v: 2 } });
      expect(await second.kv("NRT").get("gone")).toBeNull();
      expect(await second.kv("NRT").get("brief")).toBe("y");
      expect(await second.kv("NRT").get("__proto__")).toBe("proto value");
      expect((await second.kv("LHR").list()).keys.map((k) => k.name)).toEqual(["__proto__", "brief", "kept"]);
      second.sim.run(START_MS + 60_000);
      second.close();

      const third = open();
      // Expired while the data sat on disk: read as missing and left out of list.
      expect(await third.kv("LHR").get("brief")).toBeNull();
      expect((await third.kv("LHR").list()).keys.map((k) => k.name)).toEqual(["__proto__", "kept"]);
      // Later writes still win over what the first process stored.
      third.sim.run(START_MS + 61_000);
      await third.kv("NRT").put("kept", "third");
      third.close();
      const fourth = open();
      expect(await fourth.kv("LHR").get("kept")).toBe("third");
      fourth.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("KV key validation for UTF-8 storage", () => {
  it("rejects a key with a lone surrogate instead of merging it with U+FFFD", async () => {
    const sim = new Simulation({ seed: 1, startMs: START_MS, trace: false });
    const kv = new KvStore({ clock: sim.clock, rng: sim.rng, pops: ["LHR"] }).namespace("NS").atPop("LHR");
    await expect(kv.put("a\ud800", "x")).rejects.toMatchObject({ code: "KV_KEY_INVALID", status: 400 });
    await kv.put("a\ufffd", "y");
    expect(await kv.get("a\ufffd")).toBe("y");
  });
});
