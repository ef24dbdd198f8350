// Durable Objects benchmark: how many serialized operations one object handles per second on
// each storage engine, and what network time a caller far from the object pays compared with
// one nearby (virtual time, from the latency model).
//
// Run alone: node --no-node-snapshot --import tsx bench/durable-objects.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DurableObjectStateApi } from "../src/core/bindings.js";
import { DurableObjectRuntime } from "../src/durable-objects/index.js";
import { LatencyModel, POPS, Simulation } from "../src/sim/index.js";
import { MemoryStorageEngine, SqliteStorage, type StorageEngine } from "../src/storage/index.js";
import { type BenchRow, printRows } from "./lib/rows.js";


function counter(state: DurableObjectStateApi): { increment(): Promise<number> } {
  return {
    async increment(): Promise<number> {
      const n = ((await state.storage.get<number>("n")) ?? 0) + 1;
      await state.storage.put("n", n);
      return n;
    },
  };
}

function world(engine: StorageEngine, seed = 1): { sim: Simulation; runtime: DurableObjectRuntime; latency: LatencyModel } {
  const sim = new Simulation({ seed, trace: false });
  const latency = new LatencyModel({ rng: sim.rng.fork("latency") });
  const runtime = new DurableObjectRuntime({ sim, latency, pops: POPS, engine, rng: sim.rng.fork("do") });
  return { sim, runtime, latency };
}

/** Sequential increments from the object's own PoP: each is delivered, reads, writes, answers. */
async function opsPerSecond(engine: StorageEngine, ops: number): Promise<number> {
  const { runtime } = world(engine);
  const ns = runtime.namespace("COUNTER", counter).forPop("LHR");
  const stub = ns.get(ns.idFromName("bench"));
  for (let i = 0; i < Math.min(50, ops); i++) await stub.call("increment"); // warm-up
  const started = performance.now();
  for (let i = 0; i < ops; i++) await stub.call("increment");
  return ops / ((performance.now() - started) / 1000);
}

/** Mean network ms (there and back, with jitter) for a caller at `callerPop`, object at LHR. */
async function meanNetworkMs(callerPop: string, calls: number): Promise<number> {
  const { sim, runtime } = world(new MemoryStorageEngine(), 7);
  const ns = runtime.namespace("COUNTER", counter);
  const id = ns.idFromName("london");
  const place = ns.forPop("LHR").get(id).call("increment");
  await sim.runAsync();
  await place;
  const stub = ns.forPop(callerPop).get(id);
  let total = 0;
  for (let i = 0; i < calls; i++) {
    const call = stub.call("increment");
    await sim.runAsync();
    await call;
    total += stub.lastRoundTripMs ?? 0;
  }
  return total / calls;
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-bench-"));
  try {
    const memory = await opsPerSecond(new MemoryStorageEngine(), 20_000);
    const sqliteMemory = await opsPerSecond(SqliteStorage.open(":memory:"), 20_000);
    const sqliteFile = SqliteStorage.open(join(dir, "bench.sqlite"));
    const sqliteDurable = await opsPerSecond(sqliteFile, 1_000);
    sqliteFile.close();
    const near = await meanNetworkMs("CDG", 200);
    const far = await meanNetworkMs("SYD", 200);
    return [
      { name: "DO serialized ops/s, memory engine", value: Math.round(memory), unit: "ops/s", note: "get + put per op, same PoP" },
      { name: "DO serialized ops/s, SQLite :memory:", value: Math.round(sqliteMemory), unit: "ops/s" },
      { name: "DO serialized ops/s, SQLite file (WAL, synchronous=FULL)", value: Math.round(sqliteDurable), unit: "ops/s", note: "one fsync per put" },
      { name: "memory engine / durable SQLite", value: Number((memory / sqliteDurable).toFixed(1)), unit: "x" },
      { name: "network per call, caller CDG -> object LHR", value: Number(near.toFixed(2)), unit: "ms (virtual)" },
      { name: "network per call, caller SYD -> object LHR", value: Number(far.toFixed(2)), unit: "ms (virtual)" },
      { name: "far / near caller network time", value: Number((far / near).toFixed(1)), unit: "x" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  printRows(rows);
}
