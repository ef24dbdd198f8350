/**
 * The load generator of every HTTP benchmark: autocannon, pinned in package.json. A closed
 * loop over node:http's own client tops out near 10k requests/s on a 2-core machine, well
 * below what a bare node:http server answers, so it measured itself; autocannon writes
 * pre-built requests to its sockets and parses answers with a light parser, and drives the
 * same bare server several times faster. Each table still shows that bare server (the
 * ceiling) measured by this generator in the same run, with its CPU use: while the ceiling
 * server uses at least 90% of a core, the server and not the generator is the limit.
 */
import { createRequire } from "node:module";
import { threadCpuMs, treeCpuMs } from "./process-cpu.js";

const require = createRequire(import.meta.url);

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMsP50: number;
  latencyMsP99: number;
  /** Responses by HTTP status class ("2xx", "4xx", …), so a run of fast 4xx answers is visible. */
  statuses: Record<string, number>;
  /** Answers to the warm-up requests (not in `requests`). */
  warmupAnswered: number;
  /** CPU the server's process tree used during the measured phase (undefined off Linux). */
  serverCpuMs?: number;
  /** CPU the server's main thread used during the measured phase (undefined off Linux). */
  serverMainThreadCpuMs?: number;
  /** The measured phase on the monotonic clock V8's CPU profiles use, in µs. */
  windowUs: { start: number; end: number };
  /** `serverCpuMs` per second of the measured phase: 1 is one core fully busy. */
  serverCores?: number;
}

export interface LoadOptions {
  /** Must be a loopback URL: load tests never leave this machine. */
  url: string;
  /** Concurrent keep-alive connections. @defaultValue 32 */
  connections?: number;
  /** How long to run. @defaultValue 3000 */
  durationMs?: number;
  /** Stop after this many requests instead (soak). */
  amount?: number;
  /** Requests sent (and not counted) before measuring. @defaultValue 200 */
  warmupRequests?: number;
  headers?: Record<string, string>;
  /** A distinct path for each request (cache-miss workloads): `${prefix}${n}`. */
  uniquePathPrefix?: string;
  /** The server's process id, to sample its CPU time (and its children's) around the measured phase. */
  serverPid?: number;
}

/** The generator's name and exact version, for the tables. */
export function generatorName(): string {
  const pkg = require("autocannon/package.json") as { version: string };
  return `autocannon ${pkg.version}`;
}

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  "1xx": number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
}

interface AutocannonRequest {
  path?: string;
  setupRequest?: (request: { path: string }) => { path: string };
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

/** CLOCK_MONOTONIC in µs: the clock of `node --cpu-prof` timestamps in every process on this machine. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function loopbackOnly(url: URL): void {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) throw new Error(`load tests target loopback only, not ${url.hostname}`);
}

async function fire(options: LoadOptions, settings: { durationS?: number; amount?: number }, counter: { n: number }): Promise<AutocannonResult> {
  const autocannon = require("autocannon") as Autocannon;
  const url = new URL(options.url);
  const requests: AutocannonRequest[] | undefined =
    options.uniquePathPrefix === undefined
      ? undefined
      : [{ setupRequest: (request) => ({ ...request, path: `${options.uniquePathPrefix}${(counter.n++).toString(36)}` }) }];
  return autocannon({
    url: url.href,
    connections: options.connections ?? 32,
    ...(settings.amount === undefined ? { duration: settings.durationS } : { amount: settings.amount }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(requests === undefined ? {} : { requests }),
    // A stuck server counts as timeouts, not as a hang of the whole bench.
    timeout: 10,
  });
}

/** A closed loop of keep-alive connections, each sending its next request when the last one ends. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  loopbackOnly(new URL(options.url));
  const warmup = options.warmupRequests ?? 200;
  // One counter for the warm-up and the measurement, so unique paths stay unique across both.
  const counter = { n: 0 };
  let warmupAnswered = 0;
  if (warmup > 0) {
    const w = await fire({ ...options, connections: Math.min(options.connections ?? 32, warmup) }, { amount: warmup }, counter);
    warmupAnswered = w["1xx"] + w["2xx"] + w["3xx"] + w["4xx"] + w["5xx"];
  }
  const pid = options.serverPid;
  const main0 = pid === undefined ? undefined : threadCpuMs(pid);
  const cpu0 = pid === undefined ? undefined : treeCpuMs(pid);
  const start = monotonicUs();
  const t0 = performance.now();
  const r = await fire(options, options.amount === undefined ? { durationS: (options.durationMs ?? 3000) / 1000 } : { amount: options.amount }, counter);
  const wallMs = performance.now() - t0;
  const end = monotonicUs();
  const cpu1 = pid === undefined ? undefined : treeCpuMs(pid);
  const main1 = pid === undefined ? undefined : threadCpuMs(pid);
  const serverCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  const serverMainThreadCpuMs = main0 === undefined || main1 === undefined ? undefined : main1 - main0;
  const statuses: Record<string, number> = {};
  for (const k of ["1xx", "2xx", "3xx", "4xx", "5xx"] as const) if (r[k] > 0) statuses[k] = r[k];
  const answered = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
  return {
    requests: answered,
    // autocannon counts timeouts among its errors.
    errors: r.errors,
    seconds: r.duration,
    requestsPerSecond: answered / r.duration,
    latencyMsP50: r.latency.p50,
    latencyMsP99: r.latency.p99,
    statuses,
    warmupAnswered,
    windowUs: { start, end },
    ...(serverMainThreadCpuMs === undefined ? {} : { serverMainThreadCpuMs }),
    ...(serverCpuMs === undefined ? {} : { serverCpuMs, serverCores: serverCpuMs / wallMs }),
  };
}
