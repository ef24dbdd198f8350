/**
 * Simulation scale: how many requests per wall second the full pipeline (anycast choice, L3/L4
 * scrubbing, modelled TLS, WAF, tiered cache, origin) handles in virtual time, how much memory
 * it needs, and whether wall time grows linearly with the number of requests.
 *
 * The workload: Zipf-distributed URLs (s = 1.0) over a synthetic in-process origin whose
 * objects are cacheable for 60 s to 1 h or uncacheable (`private`, streamed past the cache);
 * clients are spread over every PoP of the dataset through the `pop` override, with a
 * rotating pool of client addresses; virtual time advances by exponential inter-arrival gaps.
 *
 * A second, smaller run puts a Worker (a V8 isolate per PoP, 16 kept warm) in front of the
 * cache, to show what the isolate costs per request.
 *
 * The same workload also runs split over two `node:worker_threads`: each thread owns a disjoint
 * set of PoPs, grouped by cache region so that every PoP shares its regional upper tier with
 * the same PoPs as in the single-thread run. Each thread has its own `Edge`, virtual clock and
 * seed-derived streams; request j still goes to PoP j mod |PoPs| from address j mod 65,536, at
 * the same aggregate arrival rate, and the threads' results are merged.
 *
 * `npm run bench` runs 10^4 and 10^5 requests; `--full` adds 10^6. Run alone:
 *   node --no-node-snapshot --expose-gc --import tsx bench/sim-scale.ts [--full]
 */
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { zipfSampler } from "../src/cache/index.js";
import { Edge, PerPopWorkers, type OriginHandler } from "../src/edge/index.js";
import { POPS, Rng, VirtualClock } from "../src/sim/index.js";
import { type BenchRow } from "./lib/rows.js";


const SEED = 2026;
const OBJECTS = 50_000;
const ZIPF_S = 1.0;
// Aggregate arrival rate of the modelled workload (virtual time): 20,000 requests/s worldwide.
const MEAN_INTER_ARRIVAL_MS = 0.05;
const CLIENT_ADDRESSES = 65_536;
const WORKER_SOURCE = `export default { async fetch(request) { return fetch(request); } };`;

interface ScaleResult {
  requests: number;
  wallSeconds: number;
  /** User + system CPU time of this process (GC threads included): the figure that a shared, busy machine distorts least. */
  cpuSeconds: number;
  virtualSeconds: number;
  peakRssBytes: number;
  heapUsedBytes: number;
  statuses: Map<string, number>;
  originRequests: number;
  popsUsed: number;
  threads: number;
}

/** One thread's share of a sharded run: the PoPs it owns, out of `POPS` in dataset order. */
interface Shard {
  index: number;
  count: number;
}

/**
 * Splits the PoPs into `count` sets of whole cache regions (a region's PoPs share one upper
 * tier), largest region first onto the least loaded set, so the sets carry similar traffic.
 */
function shardOfPops(count: number): Map<string, number> {
  const regions = new Map<string, string[]>();
  for (const p of POPS) regions.set(p.region, [...(regions.get(p.region) ?? []), p.code]);
  const load = new Array<number>(count).fill(0);
  const owner = new Map<string, number>();
  for (const members of [...regions.values()].sort((a, b) => b.length - a.length)) {
    const lightest = load.indexOf(Math.min(...load));
    load[lightest] = (load[lightest] as number) + members.length;
    for (const code of members) owner.set(code, lightest);
  }
  return owner;
}

/** Objects whose rank is a multiple of 5 are personalised (`private`): never stored. */
function syntheticOrigin(): OriginHandler {
  return async (request) => {
    const path = new URL(request.url).pathname;
    const rank = Number(path.slice(path.lastIndexOf("/") + 1));
    const cacheControl = rank % 5 === 0 ? "private, no-store" : `public, max-age=${[60, 300, 3600][rank % 3]}`;
    return new Response(`object ${rank}\n`, { headers: { "content-type": "text/plain", "cache-control": cacheControl } });
  };
}

function addressOf(i: number): string {
  // Documentation and benchmark ranges would all fall into one catchment; spread over 10/8.
  return `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
}

/**
 * Runs `requests` requests through one fresh `Edge`. Without a worker the clients are spread
 * round-robin over every PoP; with one, over the 16 busiest anycast catchments, which is as
 * many isolates as `PerPopWorkers` keeps warm (so this measures warm isolates, not cold starts).
 */
export async function simulate(requests: number, withWorker: boolean, shard?: Shard): Promise<ScaleResult> {
  const clock = new VirtualClock();
  const rng = shard ? new Rng(SEED).fork(`shard ${shard.index} of ${shard.count}`) : new Rng(SEED);
  const next = zipfSampler(OBJECTS, ZIPF_S, rng.fork("zipf"));
  const arrivals = rng.fork("arrivals");
  const edge = new Edge({ clock, seed: SEED, origin: syntheticOrigin() });
  if (withWorker) {
    edge.attachWorker(new PerPopWorkers({ name: "scale", source: WORKER_SOURCE, clock, originFor: (pop) => edge.originFor(pop) }));
  }
  const codes = withWorker ? edge.selector.busiest().slice(0, 16).map((b) => b.code) : POPS.map((p) => p.code);
  const owner = shard ? shardOfPops(shard.count) : undefined;
  const mine = codes.map((code) => owner === undefined || owner.get(code) === shard?.index);
  const statuses = new Map<string, number>();
  global.gc?.();
  let peakRssBytes = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    clock.advanceMs(arrivals.exponential(MEAN_INTER_ARRIVAL_MS));
    // A shard keeps the global timeline (every arrival advances its clock) and serves its PoPs.
    if (!mine[i % codes.length]) continue;
    const rank = next();
    const pop = codes[i % codes.length] as string;
    const request = new Request(`https://shop.example/assets/${rank}`);
    const { response } = await edge.handle(request, { clientIp: addressOf(i % CLIENT_ADDRESSES), pop });
    await response.arrayBuffer();
    const status = response.headers.get("cf-cache-status") ?? String(response.status);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if ((i & 0x3fff) === 0) peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  global.gc?.();
  const heapUsedBytes = process.memoryUsage().heapUsed;
  edge.attachWorker(undefined);
  return { requests, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, virtualSeconds: clock.nowMs() / 1000, peakRssBytes, heapUsedBytes, statuses, originRequests: edge.cache.originRequests, popsUsed: Math.min(requests, mine.filter(Boolean).length), threads: 1 };
}

interface ShardMessage {
  kind: "ready" | "result";
  result?: Omit<ScaleResult, "statuses"> & { statuses: [string, number][] };
}

/**
 * Runs `requests` requests split over `threads` worker threads (see the file comment). Wall
 * and CPU time are the whole process's from the moment every thread has warmed up; CPU time
 * therefore adds up both threads.
 */
export async function simulateThreads(requests: number, threads: number): Promise<ScaleResult> {
  // Node 20 does not apply `--import` loaders to a worker's entry module, so the worker first
  // registers the TypeScript loader and then imports this file.
  const loader = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const workers = Array.from({ length: threads }, (_, index) => new Worker(boot, { eval: true, workerData: { simScaleShard: { index, count: threads }, requests } }));
  const ready = workers.map((w) => new Promise<void>((resolve) => w.once("message", () => resolve())));
  const failed = new Promise<never>((_, reject) => workers.forEach((w) => w.once("error", reject)));
  await Promise.race([Promise.all(ready), failed]);
  const results = workers.map((w) => new Promise<ScaleResult>((resolve) => w.once("message", (m: ShardMessage) => resolve({ ...m.result!, statuses: new Map(m.result!.statuses) }))));
  let peakRssBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 250);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (const w of workers) w.postMessage("go");
  const parts = await Promise.race([Promise.all(results), failed]);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  await Promise.all(workers.map((w) => w.terminate()));
  const statuses = new Map<string, number>();
  for (const p of parts) for (const [k, v] of p.statuses) statuses.set(k, (statuses.get(k) ?? 0) + v);
  return {
    requests,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    virtualSeconds: Math.max(...parts.map((p) => p.virtualSeconds)),
    peakRssBytes: Math.max(peakRssBytes, ...parts.map((p) => p.peakRssBytes)),
    heapUsedBytes: parts.reduce((sum, p) => sum + p.heapUsedBytes, 0),
    statuses,
    originRequests: parts.reduce((sum, p) => sum + p.originRequests, 0),
    popsUsed: parts.reduce((sum, p) => sum + p.popsUsed, 0),
    threads,
  };
}

/** Inside a shard thread: warm up, say ready, run on "go", send the result back. */
async function shardMain(shard: Shard, requests: number): Promise<void> {
  const port = parentPort!;
  await simulate(2_000, false, shard);
  const go = new Promise<void>((resolve) => port.once("message", () => resolve()));
  port.postMessage({ kind: "ready" } satisfies ShardMessage);
  await go;
  const r = await simulate(requests, false, shard);
  port.postMessage({ kind: "result", result: { ...r, statuses: [...r.statuses] } } satisfies ShardMessage);
}

const MIB = 1024 * 1024;

export async function run(options: { full?: boolean } = {}): Promise<BenchRow[]> {
  const full = options.full ?? process.argv.includes("--full");
  const sizes = full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
  await simulate(2_000, false); // JIT warm-up, so the smallest run is not penalised.
  const results: ScaleResult[] = [];
  for (const n of sizes) results.push(await simulate(n, false));
  const threaded: ScaleResult[] = [];
  for (const n of sizes.slice(1)) threaded.push(await simulateThreads(n, 2));
  const rows: BenchRow[] = [];
  for (const r of [...results, ...threaded]) {
    const label = `${r.requests.toExponential(0).replace("e+", "e")}${r.threads > 1 ? ` (${r.threads} threads)` : ""}`;
    const hits = r.statuses.get("HIT") ?? 0;
    rows.push({
      name: `${label} requests: wall time`,
      value: r.wallSeconds,
      unit: "s",
      note: `${r.popsUsed} PoPs, ${r.virtualSeconds.toFixed(1)} s virtual, ${((100 * hits) / r.requests).toFixed(1)}% HIT, ${r.originRequests} origin requests`,
    });
    rows.push({ name: `${label} requests: CPU time`, value: r.cpuSeconds, unit: "s", note: `user + system of this process, GC threads included${r.threads > 1 ? ", all threads" : ""}` });
    rows.push({ name: `${label} requests: throughput`, value: r.requests / r.wallSeconds, unit: "requests/s", note: `wall; ${(r.requests / r.cpuSeconds).toFixed(0)} per CPU second; virtual time, no worker` });
    rows.push({ name: `${label} requests: peak RSS`, value: r.peakRssBytes / MIB, unit: "MiB", note: `heap after GC ${(r.heapUsedBytes / MIB).toFixed(0)} MiB` });
  }
  const first = results[0] as ScaleResult;
  const last = results[results.length - 1] as ScaleResult;
  const lastThreaded = threaded[threaded.length - 1];
  if (lastThreaded) {
    rows.push({
      name: `${lastThreaded.requests.toExponential(0).replace("e+", "e")} requests: 2-thread speed-up`,
      value: last.wallSeconds / lastThreaded.wallSeconds,
      unit: "x",
      note: "single-thread wall time / two-thread wall time, same run; below 2 on a machine whose cores are shared",
    });
  }
  const factor = last.requests / first.requests;
  rows.push({
    name: `time(${last.requests.toExponential(0).replace("e+", "e")}) / time(${first.requests.toExponential(0).replace("e+", "e")}) / ${factor}`,
    value: last.wallSeconds / first.wallSeconds / factor,
    unit: "x",
    note: `wall; CPU ${(last.cpuSeconds / first.cpuSeconds / factor).toFixed(2)}; 1.0 is linear, below 1 means per-PoP set-up is amortised`,
  });
  const workerRequests = full ? 20_000 : 3_000;
  const w = await simulate(workerRequests, true);
  rows.push({
    name: `with a Worker, ${workerRequests.toExponential(0).replace("e+", "e")} requests: throughput`,
    value: w.requests / w.wallSeconds,
    unit: "requests/s",
    note: `wall; ${(w.requests / w.cpuSeconds).toFixed(0)} per CPU second; one isolate per PoP, 16 busiest PoPs; peak RSS ${(w.peakRssBytes / MIB).toFixed(0)} MiB`,
  });
  return rows;
}

const shardJob = workerData as { simScaleShard?: Shard; requests?: number } | null;
if (!isMainThread && shardJob?.simScaleShard && shardJob.requests !== undefined) {
  await shardMain(shardJob.simScaleShard, shardJob.requests);
} else if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  console.log("| figure | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(2)} | ${r.unit} | ${r.note ?? ""} |`);
}
