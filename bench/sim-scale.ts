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
 * `npm run bench` runs 10^4 and 10^5 requests; `--full` adds 10^6. Run alone:
 *   node --no-node-snapshot --expose-gc --import tsx bench/sim-scale.ts [--full]
 */
import { pathToFileURL } from "node:url";
import { zipfSampler } from "../src/cache/index.js";
import { Edge, PerPopWorkers, type OriginHandler } from "../src/edge/index.js";
import { POPS, Rng, VirtualClock } from "../src/sim/index.js";

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

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
export async function simulate(requests: number, withWorker: boolean): Promise<ScaleResult> {
  const clock = new VirtualClock();
  const rng = new Rng(SEED);
  const next = zipfSampler(OBJECTS, ZIPF_S, rng.fork("zipf"));
  const arrivals = rng.fork("arrivals");
  const edge = new Edge({ clock, seed: SEED, origin: syntheticOrigin() });
  if (withWorker) {
    edge.attachWorker(new PerPopWorkers({ name: "scale", source: WORKER_SOURCE, clock, originFor: (pop) => edge.originFor(pop) }));
  }
  const codes = withWorker ? edge.selector.busiest().slice(0, 16).map((b) => b.code) : POPS.map((p) => p.code);
  const statuses = new Map<string, number>();
  global.gc?.();
  let peakRssBytes = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    clock.advanceMs(arrivals.exponential(MEAN_INTER_ARRIVAL_MS));
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
  return { requests, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, virtualSeconds: clock.nowMs() / 1000, peakRssBytes, heapUsedBytes, statuses, originRequests: edge.cache.originRequests, popsUsed: Math.min(requests, codes.length) };
}

const MIB = 1024 * 1024;

export async function run(options: { full?: boolean } = {}): Promise<BenchRow[]> {
  const full = options.full ?? process.argv.includes("--full");
  const sizes = full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
  await simulate(2_000, false); // JIT warm-up, so the smallest run is not penalised.
  const results: ScaleResult[] = [];
  for (const n of sizes) results.push(await simulate(n, false));
  const rows: BenchRow[] = [];
  for (const r of results) {
    const label = r.requests.toExponential(0).replace("e+", "e");
    const hits = r.statuses.get("HIT") ?? 0;
    rows.push({
      name: `${label} requests: wall time`,
      value: r.wallSeconds,
      unit: "s",
      note: `${r.popsUsed} PoPs, ${r.virtualSeconds.toFixed(1)} s virtual, ${((100 * hits) / r.requests).toFixed(1)}% HIT, ${r.originRequests} origin requests`,
    });
    rows.push({ name: `${label} requests: CPU time`, value: r.cpuSeconds, unit: "s", note: "user + system of this process, GC threads included" });
    rows.push({ name: `${label} requests: throughput`, value: r.requests / r.wallSeconds, unit: "requests/s", note: `wall; ${(r.requests / r.cpuSeconds).toFixed(0)} per CPU second; virtual time, no worker` });
    rows.push({ name: `${label} requests: peak RSS`, value: r.peakRssBytes / MIB, unit: "MiB", note: `heap after GC ${(r.heapUsedBytes / MIB).toFixed(0)} MiB` });
  }
  const first = results[0] as ScaleResult;
  const last = results[results.length - 1] as ScaleResult;
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  console.log("| figure | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(2)} | ${r.unit} | ${r.note ?? ""} |`);
}
