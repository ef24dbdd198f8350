// Q3 figures: isolate cold start vs fresh-process cold start, measured in the same run.
// Wall-time figures: they vary by machine and load, so ANSWER.md's block is only
// structure-checked; compare the ratio, not the absolute times.
// Run: node --no-node-snapshot --import tsx solutions/q3-isolates/figures.ts [--write]
import { cpus } from "node:os";
import { spawn } from "node:child_process";
import ivm from "isolated-vm";
import { coldStartMs, ratio, warmStartMs, type StartupBreakdown } from "./level-1-cold-start.js";
import { figuresMain } from "../lib/answer-figures.js";

/** The "worker": compile a handler, then answer one request with it. */
const WORKER_SOURCE = "globalThis.handle = (request) => 'hello ' + request.toUpperCase();";

export interface Measurement {
  /** p50 ms per phase of a new isolate, then the whole isolate cold start measured in one go. */
  isolateNewMs: number;
  compileMs: number;
  instantiateMs: number;
  firstRequestMs: number;
  isolateColdMs: number;
  isolateWarmMs: number;
  /** p50 ms from spawn to the first byte of a Node process that does nothing (spawn + boot). */
  processBootMs: number;
  /** p50 ms from spawn to the answer of a Node process that compiles the worker and answers. */
  processColdMs: number;
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
}

async function isolateOnce(): Promise<{ newMs: number; compileMs: number; instantiateMs: number; firstMs: number; totalMs: number; warmMs: number }> {
  const t0 = performance.now();
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  const context = await isolate.createContext();
  const t1 = performance.now();
  const script = await isolate.compileScript(WORKER_SOURCE);
  const t2 = performance.now();
  await script.run(context);
  const handle = (await context.global.get("handle", { reference: true })) as ivm.Reference<(r: string) => string>;
  const t3 = performance.now();
  await handle.apply(undefined, ["first"], { result: { copy: true } });
  const t4 = performance.now();
  await handle.apply(undefined, ["second"], { result: { copy: true } });
  const t5 = performance.now();
  isolate.dispose();
  return { newMs: t1 - t0, compileMs: t2 - t1, instantiateMs: t3 - t2, firstMs: t4 - t3, totalMs: t4 - t0, warmMs: t5 - t4 };
}

/** Spawns `node -e code` and resolves with the ms until its first stdout byte. */
function processOnce(code: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    let answered = false;
    child.stdout.once("data", () => {
      answered = true;
      resolve(performance.now() - started);
    });
    child.on("error", reject);
    child.on("exit", (status) => {
      if (!answered) reject(new Error(`child exited with ${status} before answering`));
    });
  });
}

export async function measure(options: { isolateRuns?: number; processRuns?: number } = {}): Promise<Measurement> {
  const isolateRuns = options.isolateRuns ?? 15;
  const processRuns = options.processRuns ?? 5;
  await isolateOnce(); // Warm up the host's own JIT so the first sample does not count it.
  const iso = [];
  for (let i = 0; i < isolateRuns; i++) iso.push(await isolateOnce());
  const boot = [];
  const cold = [];
  const childWorker = `${WORKER_SOURCE} process.stdout.write(globalThis.handle("first"));`;
  for (let i = 0; i < processRuns; i++) {
    // Interleaved, so a burst of load on the shared machine hits both kinds alike.
    boot.push(await processOnce("process.stdout.write('r')"));
    cold.push(await processOnce(childWorker));
  }
  return {
    isolateNewMs: p50(iso.map((r) => r.newMs)),
    compileMs: p50(iso.map((r) => r.compileMs)),
    instantiateMs: p50(iso.map((r) => r.instantiateMs)),
    firstRequestMs: p50(iso.map((r) => r.firstMs)),
    isolateColdMs: p50(iso.map((r) => r.totalMs)),
    isolateWarmMs: p50(iso.map((r) => r.warmMs)),
    processBootMs: p50(boot),
    processColdMs: p50(cold),
  };
}

/** The level-1 model fed with measured phases; spawn and boot are measured together. */
export function breakdownOf(m: Measurement): StartupBreakdown {
  return {
    processSpawnMs: m.processBootMs,
    runtimeBootMs: 0,
    snapshotDeserializeMs: m.isolateNewMs,
    scriptCompileMs: m.compileMs,
    instantiateMs: m.instantiateMs,
    firstRequestMs: m.firstRequestMs,
  };
}

export async function figures(): Promise<string> {
  const m = await measure();
  const model = breakdownOf(m);
  const f = (x: number): string => x.toFixed(2);
  const rows = [
    ["isolate cold start (new isolate + context, compile, run, first request)", `${f(m.isolateColdMs)} ms`],
    ["  of which new isolate + context (heap from V8's snapshot)", `${f(m.isolateNewMs)} ms`],
    ["isolate warm request", `${f(m.isolateWarmMs)} ms`],
    ["fresh Node process: spawn + boot to first byte", `${f(m.processBootMs)} ms`],
    ["fresh Node process: spawn, boot, compile, first request", `${f(m.processColdMs)} ms`],
    ["**measured ratio** (fresh process / isolate cold start)", `**${(m.processColdMs / m.isolateColdMs).toFixed(1)}x**`],
    ["level-1 model ratio from the measured phases", `${ratio(model).toFixed(1)}x`],
    ["model: isolate cold / container cold / warm", `${f(coldStartMs(model, "isolate"))} / ${f(coldStartMs(model, "container"))} / ${f(warmStartMs(model, "isolate"))} ms`],
  ];
  return [
    "| measured on this machine (p50; 15 isolates, 5 processes) | value |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    `Measured by this project with isolated-vm 5.0.4 on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${new Date().toISOString().slice(0, 10)}: not Cloudflare's runtime or hardware. Wall time on a shared machine: compare the ratio, not the milliseconds.`,
  ].join("\n");
}

await figuresMain(import.meta.url, figures);
