/**
 * `npm run bench:soak`: a long run through `npm start` that watches the server's memory. After a
 * warm-up (isolates built, JIT settled, caches filled) the resident set should stay flat: growth
 * that tracks the number of requests is a leak, whatever the throughput.
 *
 * Two workloads, each in its own `npm start` process (every stage on, storage in memory):
 * - hello world: a worker answering a constant (isolate, WAF, DDoS detector, cache, timing);
 * - proxy stream: proxy mode in front of a local origin that answers `no-store`, so every
 *   answer is an origin body streamed through the cache tiers (the bridge's parked streams).
 *
 * Usage: npm run bench:soak [-- --requests 1000000 --workload hello|proxy]
 * Writes bench/results/soak.json. The load generator is autocannon (bench/lib/load.ts).
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startConstantServer, startNpmStart, type EdgeProcess } from "./lib/edge-process.js";
import { generatorName, runLoad } from "./lib/load.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/** The resident set of a process, from /proc (Linux), in MiB. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Workload {
  name: string;
  args(originUrl: string): string[];
  path: string;
}

const WORKLOADS: readonly Workload[] = [
  { name: "hello", args: () => ["--config", join(HERE, "fixtures", "hello.wrangler.toml")], path: "/" },
  { name: "proxy", args: (origin) => ["--origin", origin], path: "/stream" },
];

/** A local origin whose every answer is `no-store`: each one is streamed through the cache tiers. */
async function startStreamingOrigin(): Promise<EdgeProcess> {
  const origin = await startConstantServer("streamed from the origin", "streaming origin", { "content-type": "text/plain", "cache-control": "no-store" });
  return { ...origin, url: origin.url.replace(/\/$/, "") };
}

export interface SoakResult {
  workload: string;
  requests: number;
  warmupRequests: number;
  rssMiBAfterWarmup: number;
  rssMiBEnd: number;
  rssMiBMax: number;
  growthPercent: number;
  samples: Array<{ requests: number; rssMiB: number }>;
  statuses: Record<string, number>;
  errors: number;
}

export async function soak(workload: Workload, requests: number): Promise<SoakResult> {
  const origin = workload.name === "proxy" ? await startStreamingOrigin() : undefined;
  const server = await startNpmStart(workload.args(origin?.url ?? ""));
  try {
    const pid = server.child.pid;
    if (pid === undefined) throw new Error("npm start has no pid");
    const url = new URL(workload.path, server.url).href;
    const warmupRequests = Math.min(50_000, Math.max(1_000, Math.round(requests / 10)));
    await runLoad({ url, amount: warmupRequests, warmupRequests: 0 });
    const rssMiBAfterWarmup = rssMiB(pid);
    const chunks = 10;
    const samples: Array<{ requests: number; rssMiB: number }> = [];
    const statuses: Record<string, number> = {};
    let errors = 0;
    let done = 0;
    for (let i = 0; i < chunks; i++) {
      const amount = Math.round((requests * (i + 1)) / chunks) - done;
      const r = await runLoad({ url, amount, warmupRequests: 0 });
      done += amount;
      errors += r.errors;
      for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
      samples.push({ requests: done, rssMiB: rssMiB(pid) });
      process.stderr.write(`soak ${workload.name}: ${done.toLocaleString("en-US")} requests, RSS ${samples.at(-1)!.rssMiB.toFixed(1)} MiB\n`);
    }
    const rssMiBEnd = samples.at(-1)!.rssMiB;
    return {
      workload: workload.name,
      requests: done,
      warmupRequests,
      rssMiBAfterWarmup,
      rssMiBEnd,
      rssMiBMax: Math.max(...samples.map((s) => s.rssMiB)),
      growthPercent: ((rssMiBEnd - rssMiBAfterWarmup) / rssMiBAfterWarmup) * 100,
      samples,
      statuses,
      errors,
    };
  } finally {
    await server.close();
    await origin?.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const requests = Number(argValue("--requests") ?? 1_000_000);
  if (!Number.isInteger(requests) || requests < 10) throw new Error(`--requests must be an integer >= 10, not ${argValue("--requests")}`);
  const only = argValue("--workload");
  const chosen = WORKLOADS.filter((w) => only === undefined || w.name === only);
  if (chosen.length === 0) throw new Error(`--workload must be one of ${WORKLOADS.map((w) => w.name).join(", ")}`);
  const results: SoakResult[] = [];
  for (const w of chosen) results.push(await soak(w, requests));
  console.log(`| workload | requests | RSS after warm-up | RSS at end | max | growth |\n|---|---|---|---|---|---|`);
  for (const r of results) {
    console.log(`| ${r.workload} | ${r.requests.toLocaleString("en-US")} | ${r.rssMiBAfterWarmup.toFixed(1)} MiB | ${r.rssMiBEnd.toFixed(1)} MiB | ${r.rssMiBMax.toFixed(1)} MiB | ${r.growthPercent.toFixed(1)}% |`);
  }
  const out = join(HERE, "results", "soak.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ generator: generatorName(), cpus: cpus().length, loadavg: loadavg(), date: new Date().toISOString(), results }, null, 2)}\n`);
  console.log(`written ${out}`);
}
