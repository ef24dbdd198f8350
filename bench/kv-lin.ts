/**
 * Workers KV benchmark (the linearizability checker has its own: bench/lin.ts).
 *
 * - KV local read latency: in-process `get` at one PoP, on a cache hit and on a cache fill.
 * - Pull-through staleness (60 s default cacheTtl): the share of one-shot reads that are stale
 *   N s after a write, at PoPs with no copy (cold) and at PoPs that read the key at a seeded
 *   moment in the minute before the write (warm), and when a polling reader (cacheTtl 30 s)
 *   first sees the write.
 *
 * Run alone: `node --no-node-snapshot --import tsx bench/kv-lin.ts`.
 */
import { pathToFileURL } from "node:url";
import { KvNamespaceAtPop, KvStore } from "../src/kv/index.js";
import { Simulation } from "../src/sim/index.js";
import { type BenchRow } from "./lib/rows.js";


const BIG_POPS = ["LHR", "IAD", "NRT", "FRA", "SIN", "SJC", "SYD", "GRU", "JNB", "CDG", "AMS", "ORD", "DFW", "LAX", "HKG", "BOM"];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function kvReadLatency(): Promise<BenchRow[]> {
  const sim = new Simulation({ seed: 1, trace: false });
  const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops: BIG_POPS });
  const ns = store.namespace("BENCH");
  const keys = Array.from({ length: 10_000 }, (_, i) => `user:${i}`);
  for (const key of keys) await ns.atPop("LHR").put(key, `value of ${key}`);
  sim.run(sim.now() + 61_000);
  const tokyo = ns.atPop("NRT");
  let start = performance.now();
  for (const key of keys) await tokyo.get(key); // every read is a cold read through the tier
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
    { name: "kv put (central store + the writer's cache)", value: putUs, unit: "µs/op", note: `${BIG_POPS.length} PoPs` },
  ];
}

function stalenessWorld(seed: number): { sim: Simulation; ns: ReturnType<KvStore["namespace"]>; readers: string[] } {
  const sim = new Simulation({ seed, trace: false });
  const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops: BIG_POPS });
  return { sim, ns: store.namespace("BENCH"), readers: BIG_POPS.filter((p) => p !== "LHR") };
}

/** Share of one-shot reads, N s after a write at LHR, that still return the old value. */
async function staleFractions(warm: boolean): Promise<BenchRow[]> {
  const { sim, ns, readers } = stalenessWorld(warm ? 2 : 3);
  const afterS = [1, 30, 59, 61];
  const keysPerPoint = 40;
  const keyOf = (s: number, i: number): string => `t${s}-k${i}`;
  for (const s of afterS) for (let i = 0; i < keysPerPoint; i++) await ns.atPop("LHR").put(keyOf(s, i), "old");
  const writeAtMs = sim.now() + 120_000;
  // A warm PoP read the key once at a seeded moment in the minute before the write: it holds
  // "old" until that copy is 60 s old. A cold PoP holds nothing and reads the central store.
  if (warm) {
    const when = sim.rng.fork("warm-read");
    for (const pop of readers) for (const s of afterS) for (let i = 0; i < keysPerPoint; i++) sim.at(writeAtMs - when.float(1, 60_000), () => void ns.atPop(pop).get(keyOf(s, i)), "warm read");
  }
  sim.run(writeAtMs);
  for (const s of afterS) for (let i = 0; i < keysPerPoint; i++) await ns.atPop("LHR").put(keyOf(s, i), "new");
  const rows: BenchRow[] = [];
  for (const s of afterS) {
    sim.run(writeAtMs + s * 1000);
    let stale = 0;
    for (const pop of readers) for (let i = 0; i < keysPerPoint; i++) if ((await ns.atPop(pop).get(keyOf(s, i))) !== "new") stale++;
    const label = warm ? "warm cache (read once in the minute before)" : "cold cache";
    rows.push({ name: `stale reads ${s} s after a write, ${label}`, value: stale / (readers.length * keysPerPoint), unit: "fraction", note: `${readers.length * keysPerPoint} reads in ${readers.length} PoPs${warm ? "; PoPs of a region share their tier's older copy" : ""}` });
  }
  return rows;
}

/** A client polling every second with the minimum cacheTtl (30 s): when does it see the write? */
async function pollingStaleness(): Promise<BenchRow[]> {
  const { sim, ns, readers } = stalenessWorld(4);
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
  for (const key of keys) await ns.atPop("LHR").put(key, "old");
  // Every PoP polls every key once a second from a seeded phase, from well before the write.
  const phase = sim.rng.fork("poll-phase");
  const writtenAt = sim.now() + 100_000;
  const seenAfterMs: number[] = [];
  for (const pop of readers) {
    for (const key of keys) {
      let seen = false;
      for (let t = sim.now() + phase.float(0, 30_000); t <= writtenAt + 60_000; t += 1000) {
        sim.at(t, () => {
          if (seen) return;
          // The read the Workers runtime makes in the same turn; the async get() gives the same answer.
          const { value } = (ns.atPop(pop) as KvNamespaceAtPop).getWithMetadataNow(key, { cacheTtl: 30 });
          if (value === "new") {
            seen = true;
            seenAfterMs.push(t - writtenAt);
          }
        }, "poll");
      }
    }
  }
  sim.run(writtenAt);
  for (const key of keys) await ns.atPop("LHR").put(key, "new");
  sim.run();
  seenAfterMs.sort((a, b) => a - b);
  const note = `${seenAfterMs.length} PoP×key pollers, 1 s polls, cacheTtl 30 s`;
  return [
    { name: "polling reader sees the write after, p50", value: percentile(seenAfterMs, 0.5) / 1000, unit: "s", note },
    { name: "polling reader sees the write after, max", value: (seenAfterMs[seenAfterMs.length - 1] ?? Number.NaN) / 1000, unit: "s", note: "bound: cacheTtl 30 s + one 1 s poll" },
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
