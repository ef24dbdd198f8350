/**
 * Workers KV benchmark (the linearizability checker has its own: bench/lin.ts).
 *
 * - KV local read latency: in-process `get` at one PoP, on a cache hit and on a cache fill.
 * - Propagation staleness (default 60 s propagation bound, 60 s cacheTtl): the share of
 *   one-shot reads that are stale N s after a write, with a cold and a warm PoP cache, and
 *   when a polling reader (cacheTtl 30 s) first sees the write.
 *
 * Run alone: `node --no-node-snapshot --import tsx bench/kv-lin.ts`.
 */
import { pathToFileURL } from "node:url";
import { KvStore } from "../src/kv/index.js";
import { Simulation } from "../src/sim/index.js";

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const BIG_POPS = ["LHR", "IAD", "NRT", "FRA", "SIN", "SJC", "SYD", "GRU", "JNB", "CDG", "AMS", "ORD", "DFW", "LAX", "HKG", "BOM"];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function kvReadLatency(): Promise<BenchRow[]> {
  const sim = new Simulation({ seed: 1, trace: false });
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops: BIG_POPS });
  const ns = store.namespace("BENCH");
  const keys = Array.from({ length: 10_000 }, (_, i) => `user:${i}`);
  for (const key of keys) await ns.atPop("LHR").put(key, `value of ${key}`);
  sim.run(sim.now() + 61_000);
  const tokyo = ns.atPop("NRT");
  let start = performance.now();
  for (const key of keys) await tokyo.get(key); // every read is a cache fill
  const fillUs = ((performance.now() - start) * 1000) / keys.length;
  const rounds = 5;
  start = performance.now();
  for (let r = 0; r < rounds; r++) for (const key of keys) await tokyo.get(key); // all cache hits
  const hitUs = ((performance.now() - start) * 1000) / (keys.length * rounds);
  start = performance.now();
  sim.run(sim.now() + 1000);
  for (const key of keys) await tokyo.put(key, "new");
  const putUs = ((performance.now() - start) * 1000) / keys.length;
  return [
    { name: "kv get, cache hit", value: hitUs, unit: "µs/op", note: `${keys.length * rounds} reads at one PoP` },
    { name: "kv get, cache fill", value: fillUs, unit: "µs/op", note: `ratio to hit ${(fillUs / hitUs).toFixed(2)}x` },
    { name: "kv put (schedules 15 deliveries)", value: putUs, unit: "µs/op", note: `${BIG_POPS.length} PoPs` },
  ];
}

function stalenessWorld(seed: number): { sim: Simulation; ns: ReturnType<KvStore["namespace"]>; readers: string[] } {
  const sim = new Simulation({ seed, trace: false });
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops: BIG_POPS });
  return { sim, ns: store.namespace("BENCH"), readers: BIG_POPS.filter((p) => p !== "LHR") };
}

/** Share of one-shot reads, N s after a write at LHR, that still return the old value. */
async function staleFractions(warm: boolean): Promise<BenchRow[]> {
  const { sim, ns, readers } = stalenessWorld(warm ? 2 : 3);
  const afterS = [1, 30, 59, 61];
  const keysPerPoint = 40;
  const keyOf = (s: number, i: number): string => `t${s}-k${i}`;
  for (const s of afterS) for (let i = 0; i < keysPerPoint; i++) await ns.atPop("LHR").put(keyOf(s, i), "old");
  sim.run(sim.now() + 61_000);
  // A warm PoP read the key just before the write, so it holds "old" for a full cacheTtl.
  if (warm) for (const pop of readers) for (const s of afterS) for (let i = 0; i < keysPerPoint; i++) await ns.atPop(pop).get(keyOf(s, i));
  const writtenAt = sim.now();
  for (const s of afterS) for (let i = 0; i < keysPerPoint; i++) await ns.atPop("LHR").put(keyOf(s, i), "new");
  const rows: BenchRow[] = [];
  for (const s of afterS) {
    sim.run(writtenAt + s * 1000);
    let stale = 0;
    for (const pop of readers) for (let i = 0; i < keysPerPoint; i++) if ((await ns.atPop(pop).get(keyOf(s, i))) !== "new") stale++;
    const label = warm ? "warm cache" : "cold cache";
    rows.push({ name: `stale reads ${s} s after a write, ${label}`, value: stale / (readers.length * keysPerPoint), unit: "fraction", note: `${readers.length * keysPerPoint} reads in ${readers.length} PoPs` });
  }
  return rows;
}

/** A client polling every second with the minimum cacheTtl (30 s): when does it see the write? */
async function pollingStaleness(): Promise<BenchRow[]> {
  const { sim, ns, readers } = stalenessWorld(4);
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
  for (const key of keys) await ns.atPop("LHR").put(key, "old");
  sim.run(sim.now() + 61_000);
  const writtenAt = sim.now();
  for (const key of keys) await ns.atPop("LHR").put(key, "new");
  const seenAfterMs: number[] = [];
  const pending = new Set(readers.flatMap((pop) => keys.map((key) => `${pop} ${key}`)));
  for (let t = 0; t <= 200_000 && pending.size > 0; t += 1000) {
    sim.run(writtenAt + t);
    for (const id of [...pending]) {
      const [pop, key] = id.split(" ") as [string, string];
      if ((await ns.atPop(pop).get(key, { cacheTtl: 30 })) === "new") {
        seenAfterMs.push(t);
        pending.delete(id);
      }
    }
  }
  seenAfterMs.sort((a, b) => a - b);
  const note = `${seenAfterMs.length} PoP×key pollers, 1 s polls, cacheTtl 30 s`;
  return [
    { name: "polling reader sees the write after, p50", value: percentile(seenAfterMs, 0.5) / 1000, unit: "s", note },
    { name: "polling reader sees the write after, max", value: (seenAfterMs[seenAfterMs.length - 1] ?? Number.NaN) / 1000, unit: "s", note: "bound: propagation 60 s + cacheTtl 30 s" },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [...(await kvReadLatency()), ...(await staleFractions(false)), ...(await staleFractions(true)), ...(await pollingStaleness())];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  console.log("| benchmark | value | unit | note |\n|---|---:|---|---|");
  for (const row of rows) console.log(`| ${row.name} | ${row.value.toFixed(row.value < 10 ? 3 : 1)} | ${row.unit} | ${row.note ?? ""} |`);
}
