/**
 * `npm run bench:peers`: this platform side by side with Miniflare 3 (Cloudflare's local
 * simulator, which runs workers in `workerd`, the open-source Workers runtime), on the same
 * two worker scripts, the same machine, the same load settings, in the same run.
 *
 * Miniflare is installed into a throw-away temporary folder (never a project dependency) and
 * removed afterwards. Both servers run outside the load generator's process: Miniflare's
 * requests are served by its `workerd` child process, ours by `bench/lib/edge-child.ts`.
 * The rounds alternate the order of the servers so neither always measures first.
 *
 * Not like for like, and the table says so: our server runs the whole edge pipeline on every
 * request (anycast choice, L3/L4 scrubbing, modelled TLS, WAF, the worker's isolate, the
 * cache's bookkeeping, `server-timing`); Miniflare runs only the worker. The "WAF off" column
 * removes the biggest stage we can switch off.
 *
 * Run: node --no-node-snapshot --import tsx bench/peers.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WORKLOADS, expectAnswer, type EdgeVariant, type Workload } from "./lib/edge-targets.js";
import { generatorName, runLoad, type LoadResult } from "./lib/load.js";
import { edgeChildren, startConstantServer, startEdgeProcess } from "./lib/edge-process.js";
import { CEILING_BUSY_CORES_MIN, LOAD_SETTINGS, statusNote } from "./pipeline.js";

// The last Miniflare line that runs on Node 20 (Miniflare 4 needs Node 22).
const MINIFLARE = "miniflare@3.20250718.3";
const ROUNDS = 2;
const INSTALL_MS_MAX = 5 * 60_000;
const RUN_MS_MAX = 10 * 60_000;
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..");

/** The slice of Miniflare 3's API used here. */
interface MiniflareLike {
  ready: Promise<URL>;
  getKVNamespace(binding: string): Promise<{ put(key: string, value: string): Promise<void> }>;
  dispose(): Promise<void>;
}
type MiniflareCtor = new (options: Record<string, unknown>) => MiniflareLike;

interface Target {
  label: "edge-kata" | "edge-kata, WAF off" | "Miniflare" | "node:http";
  url: string;
  /** The serving process, for its CPU time (Miniflare's workerd is a child of this process: not measured). */
  pid?: number;
  close(): Promise<void>;
}

interface Measured {
  /** CPU use of the server's process tree, 1 = one core; undefined where not measurable. */
  cores: number | undefined;
  requestsPerSecond: number;
  latencyMsP50: number;
  latencyMsP99: number;
  errors: number;
  statuses: string;
}

async function installMiniflare(dir: string): Promise<MiniflareCtor> {
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "peers-bench", private: true })}\n`);
  process.stderr.write(`peers: installing ${MINIFLARE} into a temporary folder …\n`);
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, MINIFLARE], { stdio: ["ignore", "ignore", "inherit"], timeout: INSTALL_MS_MAX });
  const entry = createRequire(join(dir, "package.json")).resolve("miniflare");
  const mod = (await import(pathToFileURL(entry).href)) as { Miniflare?: MiniflareCtor; default?: { Miniflare?: MiniflareCtor } };
  const ctor = mod.Miniflare ?? mod.default?.Miniflare;
  if (ctor === undefined) throw new Error("the installed miniflare package has no Miniflare export");
  return ctor;
}

async function startMiniflare(Miniflare: MiniflareCtor, workload: Workload): Promise<Target> {
  const mf = new Miniflare({ modules: true, script: workload.script, kvNamespaces: ["KV"], host: "127.0.0.1", port: 0 });
  try {
    const url = String(await mf.ready);
    if (workload.seed) await (await mf.getKVNamespace("KV")).put(workload.seed.key, workload.seed.value);
    await expectAnswer(url, workload);
    return { label: "Miniflare", url, close: () => mf.dispose() };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}

const children = edgeChildren;

async function startEdgeChild(workload: Workload, variant: EdgeVariant): Promise<Target> {
  const edge = await startEdgeProcess(workload, variant);
  return { label: variant === "full" ? "edge-kata" : "edge-kata, WAF off", url: edge.url, ...(edge.child.pid === undefined ? {} : { pid: edge.child.pid }), close: edge.close };
}

/**
 * The ceiling: a bare node:http server answering the workload's expected body as a constant,
 * with no pipeline and no isolate, under the same load generator. It shows how much of the
 * machine the load generator and the loopback leave for any Node-based server.
 */
function startCeilingChild(workload: Workload): Promise<Target> {
  return startConstantServer(workload.expect, `node:http ceiling for ${workload.name}`).then((p) => ({ label: "node:http", url: p.url, ...(p.child.pid === undefined ? {} : { pid: p.child.pid }), close: p.close }));
}

function summarise(results: LoadResult[]): Measured {
  const mean = (f: (r: LoadResult) => number): number => results.reduce((s, r) => s + f(r), 0) / results.length;
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  return {
    cores: results.every((r) => r.serverCores !== undefined) ? mean((r) => r.serverCores ?? 0) : undefined,
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    latencyMsP50: mean((r) => r.latencyMsP50),
    latencyMsP99: mean((r) => r.latencyMsP99),
    errors: results.reduce((s, r) => s + r.errors, 0),
    statuses: statusNote({ ...(results[0] as LoadResult), statuses }),
  };
}

async function measureWorkload(Miniflare: MiniflareCtor, workload: Workload): Promise<Record<Target["label"], Measured>> {
  const targets: Target[] = [];
  try {
    targets.push(await startEdgeChild(workload, "full"));
    targets.push(await startEdgeChild(workload, "waf-off"));
    targets.push(await startMiniflare(Miniflare, workload));
    const ceiling = await startCeilingChild(workload);
    targets.push(ceiling);
    await expectAnswer(ceiling.url, workload);
    const results = new Map<Target["label"], LoadResult[]>(targets.map((t) => [t.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        process.stderr.write(`peers: ${workload.name}, ${t.label}, round ${round + 1} …\n`);
        results.get(t.label)?.push(await runLoad({ url: t.url, ...LOAD_SETTINGS, ...(t.pid === undefined ? {} : { serverPid: t.pid }) }));
      }
    }
    return Object.fromEntries([...results].map(([label, rs]) => [label, summarise(rs)])) as Record<Target["label"], Measured>;
  } finally {
    for (const t of targets) await t.close().catch(() => undefined);
  }
}

const f0 = (v: number): string => v.toFixed(0);
const f1 = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "edge-kata-peers-"));
  const watchdog = setTimeout(() => {
    process.stderr.write(`peers: still running after ${RUN_MS_MAX / 60_000} min; stopping\n`);
    for (const c of children) c.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }, RUN_MS_MAX);
  watchdog.unref();
  try {
    const Miniflare = await installMiniflare(tmp);
    const rows: Array<{ workload: string } & Record<Target["label"], Measured>> = [];
    for (const workload of WORKLOADS) rows.push({ workload: workload.name, ...(await measureWorkload(Miniflare, workload)) });
    const lines = [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ${MINIFLARE}.`,
      `Load: ${generatorName()}, closed loop, ${LOAD_SETTINGS.connections} keep-alive connections, ${LOAD_SETTINGS.durationMs / 1000} s per measurement, ${ROUNDS} rounds in alternating order (means shown), 127.0.0.1 only, same settings for every server.`,
      "edge-kata runs the whole edge pipeline per request (anycast choice, L3/L4 scrubbing, modelled TLS, WAF, the worker's isolate, cache bookkeeping, server-timing); Miniflare runs only the worker in workerd. node:http is the ceiling: a bare Node server answering the same body as a constant, no pipeline, no isolate.",
      "",
      "| workload | CPU cores edge-kata / WAF off / node:http | edge-kata req/s | edge-kata WAF off req/s | Miniflare req/s | node:http req/s | edge-kata / Miniflare | WAF off / Miniflare | node:http / Miniflare | p50 ms edge-kata / WAF off / Miniflare | p99 ms edge-kata / WAF off / Miniflare |",
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ];
    for (const r of rows) {
      const e = r["edge-kata"];
      const w = r["edge-kata, WAF off"];
      const m = r["Miniflare"];
      const c = r["node:http"];
      const cores = (x: Measured): string => (x.cores === undefined ? "n/a" : x.cores.toFixed(2));
      const bound = c.cores !== undefined && c.cores < CEILING_BUSY_CORES_MIN ? " ⚠ generator-bound" : "";
      lines.push(
        `| ${r.workload} | ${cores(e)} / ${cores(w)} / ${cores(c)} | ${f0(e.requestsPerSecond)} | ${f0(w.requestsPerSecond)} | ${f0(m.requestsPerSecond)} | ${f0(c.requestsPerSecond)}${bound} | ${(e.requestsPerSecond / m.requestsPerSecond).toFixed(2)}x | ${(w.requestsPerSecond / m.requestsPerSecond).toFixed(2)}x | ${(c.requestsPerSecond / m.requestsPerSecond).toFixed(2)}x | ${f1(e.latencyMsP50)} / ${f1(w.latencyMsP50)} / ${f1(m.latencyMsP50)} | ${f1(e.latencyMsP99)} / ${f1(w.latencyMsP99)} / ${f1(m.latencyMsP99)} |`,
      );
    }
    lines.push("", "Answers by status (all rounds): " + rows.map((r) => `${r.workload}: edge-kata ${r["edge-kata"].statuses} (${r["edge-kata"].errors} errors); WAF off ${r["edge-kata, WAF off"].statuses} (${r["edge-kata, WAF off"].errors} errors); Miniflare ${r["Miniflare"].statuses} (${r["Miniflare"].errors} errors)`).join(". "));
    console.log(lines.join("\n"));
    mkdirSync(join(HERE, "results"), { recursive: true });
    writeFileSync(join(HERE, "results", "peers.json"), `${JSON.stringify({ generator: generatorName(), node: process.version, cpus: cpus().length, miniflare: MINIFLARE, load: LOAD_SETTINGS, rounds: ROUNDS, rows }, null, 2)}\n`);
  } finally {
    for (const c of children) c.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
}

// No `run()` export on purpose: `npm run bench` must not install Miniflare.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
