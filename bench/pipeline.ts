/**
 * Full-pipeline throughput of `npm start` next to the bare node:http ceiling, both loaded by
 * the same generator (autocannon, `bench/lib/load.ts`) in the same run, in alternating order.
 *
 * Each row starts `src/server/main.ts` exactly as `npm start` does (storage in memory, a free
 * port), with every stage on: anycast choice, L3/L4 scrubbing and the DDoS detector, modelled
 * TLS, the WAF with its managed rules, the worker's V8 isolate, the cache and `server-timing`.
 * The ceiling is a bare node:http server answering the same body as a constant. For each server
 * the table shows its CPU use (process-tree CPU time / wall time, from /proc): while the
 * ceiling server uses at least 90% of a core the server, not the generator, is the limit, and
 * a row where it does not is flagged.
 *
 * The `npm start` process runs under `node --cpu-prof` (1 ms sampling) throughout the row; its
 * profile is attributed to the pipeline's stages (`bench/lib/stage-profile.ts`) and divided by
 * the requests it answered, giving main-thread CPU µs per request per stage.
 *
 * Run alone: node --no-node-snapshot --import tsx bench/pipeline.ts  (writes bench/results/pipeline.json)
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startConstantServer, startNpmStart, type EdgeProcess } from "./lib/edge-process.js";
import { generatorName, runLoad, type LoadResult } from "./lib/load.js";
import { STAGES, shareOfCpu, stageTimes, type Stage } from "./lib/stage-profile.js";
import { type BenchRow } from "./lib/rows.js";


const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, "fixtures");

export const LOAD_SETTINGS = { connections: 32, durationMs: 3_000, warmupRequests: 1_000 } as const;
const ROUNDS = 2;
/** Below this CPU use the ceiling server was waiting for the generator, not working. */
export const CEILING_BUSY_CORES_MIN = 0.9;

/** "2xx × 9,731" or "2xx × 9,700, 4xx × 31": non-2xx answers must not pass unnoticed. */
export function statusNote(result: Pick<LoadResult, "statuses">): string {
  return Object.entries(result.statuses)
    .map(([status, n]) => `${status} × ${n}`)
    .join(", ");
}

interface HttpWorkload {
  name: string;
  /** `npm start` arguments after `--port 0 --data :memory:`. */
  args(originUrl: string): string[];
  path: string;
  /** Each request asks for a path never asked before (a cache MISS every time). */
  uniquePaths?: boolean;
  /** A PUT to send before measuring (the KV worker stores its key this way). */
  seed?: string;
  /** What one answer must look like before and after measuring. */
  expect: { body: RegExp; cacheStatus?: string };
  /** The constant the ceiling server answers. */
  ceilingBody: string;
}

const ORIGIN_BODY = "hello from the origin";

export const HTTP_WORKLOADS: readonly HttpWorkload[] = [
  { name: "hello world", args: () => ["--config", join(FIXTURES, "hello.wrangler.toml")], path: "/", expect: { body: /^hello$/ }, ceilingBody: "hello" },
  { name: "KV read", args: () => ["--config", join(FIXTURES, "kv-read.wrangler.toml")], path: "/", seed: "hello from KV", expect: { body: /^hello from KV$/ }, ceilingBody: "hello from KV" },
  { name: "Durable Object counter", args: () => ["--config", join(FIXTURES, "do-counter.wrangler.toml")], path: "/", expect: { body: /^\d+$/ }, ceilingBody: "12345" },
  { name: "proxy cache HIT", args: (origin) => ["--origin", origin], path: "/static/hit.txt", expect: { body: new RegExp(`^${ORIGIN_BODY}$`), cacheStatus: "HIT" }, ceilingBody: ORIGIN_BODY },
  { name: "proxy cache MISS", args: (origin) => ["--origin", origin], path: "/static/miss/", uniquePaths: true, expect: { body: new RegExp(`^${ORIGIN_BODY}$`), cacheStatus: "MISS" }, ceilingBody: ORIGIN_BODY },
];

type ServerLabel = "npm start" | "node:http";

export interface ServerFigures {
  requestsPerSecond: number;
  latencyMsP50: number;
  latencyMsP99: number;
  /** Mean CPU use over the rounds: 1 is one core busy the whole time. */
  cores: number | undefined;
  cpuUsPerRequest: number | undefined;
  errors: number;
  statuses: string;
}

export interface WorkloadFigures {
  workload: string;
  servers: Record<ServerLabel, ServerFigures>;
  /** npm start ÷ ceiling, requests/s. */
  ratio: number;
  /** True when the ceiling server used less than `CEILING_BUSY_CORES_MIN` cores: the generator was the limit. */
  generatorBound: boolean;
  /** Main-thread CPU µs per request by stage, from the npm start process's profile. */
  stageUsPerRequest: Record<Stage, number> | undefined;
  /** Requests the profiled process answered in the measured phases, the divisor of the stages. */
  profiledRequests: number;
}

/** A local origin for proxy mode: every GET answers the same cacheable body. */
async function startOrigin(): Promise<EdgeProcess> {
  const origin = await startConstantServer(ORIGIN_BODY, "local origin", { "content-type": "text/plain", "cache-control": "public, max-age=86400" });
  return { ...origin, url: origin.url.replace(/\/$/, "") };
}

/** A bare node:http server answering `body`: the most any Node server can do under this generator. */
export function startCeiling(body: string): Promise<EdgeProcess> {
  return startConstantServer(body, "node:http ceiling");
}

async function check(base: string, workload: HttpWorkload, path: string): Promise<void> {
  const response = await fetch(new URL(path, base));
  const body = await response.text();
  const cacheStatus = response.headers.get("cf-cache-status");
  if (response.status !== 200 || !workload.expect.body.test(body)) throw new Error(`${workload.name}: ${path} answered ${response.status} ${JSON.stringify(body.slice(0, 80))}`);
  if (workload.expect.cacheStatus !== undefined && cacheStatus !== workload.expect.cacheStatus) throw new Error(`${workload.name}: ${path} answered cf-cache-status ${cacheStatus}, expected ${workload.expect.cacheStatus}`);
}

function summarise(results: LoadResult[]): ServerFigures {
  const mean = (f: (r: LoadResult) => number): number => results.reduce((s, r) => s + f(r), 0) / results.length;
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  const measuredCpu = results.every((r) => r.serverCpuMs !== undefined);
  const requests = results.reduce((s, r) => s + r.requests, 0);
  return {
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    latencyMsP50: mean((r) => r.latencyMsP50),
    latencyMsP99: mean((r) => r.latencyMsP99),
    cores: measuredCpu ? mean((r) => r.serverCores ?? 0) : undefined,
    cpuUsPerRequest: measuredCpu && requests > 0 ? (results.reduce((s, r) => s + (r.serverCpuMs ?? 0), 0) * 1000) / requests : undefined,
    errors: results.reduce((s, r) => s + r.errors, 0),
    statuses: statusNote({ statuses }),
  };
}

export async function measureWorkload(workload: HttpWorkload, originUrl: string, options: { profile?: boolean; rounds?: number } = {}): Promise<WorkloadFigures> {
  const profileDir = options.profile === false ? undefined : mkdtempSync(join(tmpdir(), "edge-kata-prof-"));
  const edge = await startNpmStart(workload.args(originUrl), profileDir);
  let ceiling: EdgeProcess | undefined;
  let closed = false;
  try {
    ceiling = await startCeiling(workload.ceilingBody);
    if (workload.seed !== undefined) {
      const put = await fetch(edge.url, { method: "PUT", body: workload.seed });
      if (!put.ok) throw new Error(`seeding ${workload.name} answered ${put.status}`);
    }
    // A MISS row's check path is not one the load will ask for; a HIT row's first answer is the MISS that fills the cache.
    if (workload.expect.cacheStatus === "HIT") {
      await fetch(new URL(workload.path, edge.url)).then((r) => r.arrayBuffer());
    }
    await check(edge.url, workload, workload.uniquePaths ? `${workload.path}check-before` : workload.path);
    const targets: Array<{ label: ServerLabel; server: EdgeProcess }> = [
      { label: "npm start", server: edge },
      { label: "node:http", server: ceiling },
    ];
    const results: Record<ServerLabel, LoadResult[]> = { "npm start": [], "node:http": [] };
    const rounds = options.rounds ?? ROUNDS;
    for (let round = 0; round < rounds; round++) {
      for (const { label, server } of round % 2 === 0 ? targets : [...targets].reverse()) {
        process.stderr.write(`pipeline: ${workload.name}, ${label}, round ${round + 1} …\n`);
        const r = await runLoad({
          url: new URL(workload.path, server.url).href,
          ...LOAD_SETTINGS,
          ...(workload.uniquePaths ? { uniquePathPrefix: `${workload.path}r${round}-` } : {}),
          ...(server.child.pid === undefined ? {} : { serverPid: server.child.pid }),
        });
        results[label].push(r);
      }
    }
    await check(edge.url, workload, workload.uniquePaths ? `${workload.path}check-after` : workload.path);
    await edge.close();
    closed = true;
    const npm = summarise(results["npm start"]);
    const bare = summarise(results["node:http"]);
    let stageUsPerRequest: Record<Stage, number> | undefined;
    const profile = profileDir === undefined ? undefined : readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
    // Only the measured phases count (no start-up, no warm-up), scaled to the main thread's CPU time in them.
    const measured = results["npm start"];
    const answered = measured.reduce((s, r) => s + r.requests, 0);
    const mainCpuMs = measured.every((r) => r.serverMainThreadCpuMs !== undefined) ? measured.reduce((s, r) => s + (r.serverMainThreadCpuMs ?? 0), 0) : undefined;
    if (profileDir !== undefined && profile !== undefined && mainCpuMs !== undefined && answered > 0) {
      const sampled = stageTimes(join(profileDir, profile), measured.map((r) => r.windowUs));
      if (sampled.totalUs === 0) throw new Error(`${workload.name}: the profile has no sample inside the measured phases (clock mismatch?)`);
      const perStage = shareOfCpu(sampled, mainCpuMs * 1000);
      stageUsPerRequest = Object.fromEntries(STAGES.map((s) => [s, perStage[s] / answered])) as Record<Stage, number>;
    }
    return {
      workload: workload.name,
      servers: { "npm start": npm, "node:http": bare },
      ratio: npm.requestsPerSecond / bare.requestsPerSecond,
      generatorBound: bare.cores !== undefined && bare.cores < CEILING_BUSY_CORES_MIN,
      stageUsPerRequest,
      profiledRequests: measured.reduce((s, r) => s + r.requests, 0),
    };
  } finally {
    if (!closed) await edge.close();
    await ceiling?.close();
    if (profileDir !== undefined) rmSync(profileDir, { recursive: true, force: true });
  }
}

const f0 = (v: number): string => v.toFixed(0);
const f1 = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const f2 = (v: number | undefined): string => (v === undefined ? "n/a" : v.toFixed(2));

/** The stages the issue asks about, then the rest of the process's main thread. */
const REPORTED_STAGES: readonly Stage[] = ["ddos", "waf", "worker", "cache", "write", "read", "edge", "origin", "node:http", "gc", "other"];

export function markdown(rows: WorkloadFigures[], header: string): string {
  const lines = [
    header,
    "",
    "| workload | npm start req/s | node:http req/s | npm start / ceiling | CPU cores npm start / node:http | CPU µs/req npm start / node:http | p50 ms npm start / node:http | p99 ms npm start / node:http | answers npm start |",
    "|---|---:|---:|---:|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const e = r.servers["npm start"];
    const c = r.servers["node:http"];
    const flag = r.generatorBound ? " ⚠ generator-bound (ceiling < 0.9 core)" : "";
    lines.push(
      `| ${r.workload} | ${f0(e.requestsPerSecond)} | ${f0(c.requestsPerSecond)}${flag} | ${r.ratio.toFixed(3)} | ${f2(e.cores)} / ${f2(c.cores)} | ${e.cpuUsPerRequest === undefined ? "n/a" : f0(e.cpuUsPerRequest)} / ${c.cpuUsPerRequest === undefined ? "n/a" : f0(c.cpuUsPerRequest)} | ${f1(e.latencyMsP50)} / ${f1(c.latencyMsP50)} | ${f1(e.latencyMsP99)} / ${f1(c.latencyMsP99)} | ${e.statuses}; ${e.errors} errors |`,
    );
  }
  lines.push("", "CPU µs per request of `npm start`'s main thread by stage: its CPU time in the measured phases (from /proc), split in the proportions of a `--cpu-prof` profile of the same run (1 ms sampling). isolated-vm's and the GC's own threads are in the CPU column above, not here:", "");
  lines.push(`| workload | ${REPORTED_STAGES.join(" | ")} | sampled total |`, `|---|${REPORTED_STAGES.map(() => "---:").join("|")}|---:|`);
  for (const r of rows) {
    const s = r.stageUsPerRequest;
    if (s === undefined) lines.push(`| ${r.workload} | ${REPORTED_STAGES.map(() => "n/a").join(" | ")} | n/a |`);
    else lines.push(`| ${r.workload} | ${REPORTED_STAGES.map((k) => f1(s[k])).join(" | ")} | ${f1(STAGES.reduce((t, k) => t + s[k], 0))} |`);
  }
  return lines.join("\n");
}

async function measureAll(): Promise<WorkloadFigures[]> {
  const only = process.env.BENCH_WORKLOADS?.split(",").map((s) => s.trim().toLowerCase());
  const origin = await startOrigin();
  try {
    const rows: WorkloadFigures[] = [];
    for (const workload of HTTP_WORKLOADS) {
      if (only !== undefined && !only.some((o) => workload.name.toLowerCase().includes(o))) continue;
      rows.push(await measureWorkload(workload, origin.url));
    }
    return rows;
  } finally {
    await origin.close();
  }
}

function header(): string {
  const [l1, l5] = loadavg();
  return [
    `Generator: ${generatorName()}, ${LOAD_SETTINGS.connections} keep-alive connections, ${LOAD_SETTINGS.durationMs / 1000} s per measurement after ${LOAD_SETTINGS.warmupRequests} warm-up requests, ${ROUNDS} rounds alternating npm start and the ceiling (means shown), 127.0.0.1 only.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, load average ${l1?.toFixed(2)} / ${l5?.toFixed(2)} (1 / 5 min) at the end.`,
    "npm start runs every stage (anycast, DDoS rules and detector, TLS model, WAF with managed rules, the worker's isolate, cache, server-timing) under --cpu-prof; node:http is a bare server answering the same body as a constant.",
  ].join("\n");
}

export async function run(): Promise<BenchRow[]> {
  const figures = await measureAll();
  const rows: BenchRow[] = [];
  const gen = generatorName();
  for (const r of figures) {
    const e = r.servers["npm start"];
    const c = r.servers["node:http"];
    rows.push({ name: `${r.workload}: npm start`, value: e.requestsPerSecond, unit: "requests/s", note: `${gen}; CPU ${f2(e.cores)} cores, ${e.cpuUsPerRequest?.toFixed(0) ?? "n/a"} µs/req; p50 ${f1(e.latencyMsP50)} ms, p99 ${f1(e.latencyMsP99)} ms; ${e.statuses}; ${e.errors} errors` });
    rows.push({ name: `${r.workload}: node:http ceiling`, value: c.requestsPerSecond, unit: "requests/s", note: `${gen}; CPU ${f2(c.cores)} cores, ${c.cpuUsPerRequest?.toFixed(0) ?? "n/a"} µs/req${r.generatorBound ? "; GENERATOR-BOUND: the ceiling server used < 0.9 core" : ""}` });
    rows.push({ name: `${r.workload}: npm start / ceiling`, value: r.ratio, unit: "ratio", note: "same generator, same run, alternating" });
    if (r.stageUsPerRequest !== undefined) {
      const s = r.stageUsPerRequest;
      rows.push({ name: `${r.workload}: CPU per request by stage`, value: STAGES.reduce((t, k) => t + s[k], 0), unit: "µs (main thread)", note: REPORTED_STAGES.map((k) => `${k} ${f1(s[k])}`).join(", ") });
    }
  }
  console.error(markdown(figures, header()));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const figures = await measureAll();
  const text = markdown(figures, header());
  console.log(text);
  mkdirSync(join(HERE, "results"), { recursive: true });
  writeFileSync(join(HERE, "results", "pipeline.json"), `${JSON.stringify({ generator: generatorName(), node: process.version, cpus: cpus().length, loadavg: loadavg(), load: LOAD_SETTINGS, rounds: ROUNDS, rows: figures }, null, 2)}\n`);
}
