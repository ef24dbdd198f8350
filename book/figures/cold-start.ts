/**
 * Figure: cold start of a V8 isolate versus a fresh process. When `bench/results/latest.json`
 * holds the Workers benchmark (`bench/workers.ts`: a full `Worker` with the runtime, against
 * `runInChildProcess`), the figure draws those p50s. Otherwise it measures a small sample at
 * build time (measuring properly takes longer than a book build should): a bare isolated-vm
 * isolate that compiles and calls a handler, against a fresh Node process that does the same,
 * reporting the best sample of each.
 * The chart title says which source it used.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { barChart } from "./lib/svg.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Few samples, so the best of them is reported: on a loaded machine the minimum is the closest
// to the intrinsic cost, and a median of three is mostly noise.
export const ISOLATE_SAMPLES = 5;
export const PROCESS_SAMPLES = 3;
const HANDLER = "globalThis.handle = (request) => 'hello ' + request.toUpperCase();";

// Runs in a child because isolated-vm needs --no-node-snapshot on Node 20, and the book build
// may not have been started with it. Prints the per-sample cold start in ms as JSON.
const ISOLATE_PROBE = `
import ivm from "isolated-vm";
const once = async () => {
  const t0 = performance.now();
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  const context = await isolate.createContext();
  const script = await isolate.compileScript(${JSON.stringify(HANDLER)});
  await script.run(context);
  const handle = await context.global.get("handle", { reference: true });
  await handle.apply(undefined, ["first"], { result: { copy: true } });
  const ms = performance.now() - t0;
  isolate.dispose();
  return ms;
};
await once();
const samples = [];
for (let i = 0; i < ${ISOLATE_SAMPLES}; i++) samples.push(await once());
process.stdout.write(JSON.stringify(samples));
`;

interface ColdStarts {
  isolateMs: number;
  /** Cold start on a pre-built spare isolate (src/workers/spare-isolates.ts), when measured. */
  spareMs?: number;
  processMs: number;
  statistic: "p50" | "best";
  source: string;
}

function fromBench(): ColdStarts | null {
  const path = join(ROOT, "bench", "results", "latest.json");
  if (!existsSync(path)) return null;
  const data = JSON.parse(readFileSync(path, "utf8")) as { sections?: Array<{ module: string; rows: Array<{ name: string; value: number }> }> };
  const rows = (data.sections ?? []).flatMap((s) => s.rows);
  const isolate = rows.find((r) => r.name === "isolate cold start p50");
  const child = rows.find((r) => r.name === "child-process cold start p50");
  if (!isolate || !child) return null;
  const spare = rows.find((r) => r.name === "cold start on a spare isolate p50");
  return { isolateMs: isolate.value, processMs: child.value, ...(spare ? { spareMs: spare.value } : {}), statistic: "p50", source: "p50 from bench/results/latest.json" };
}

function run(args: string[]): Promise<{ firstByteMs: number; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const env = { ...process.env };
    delete env["NODE_OPTIONS"];
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let firstByteMs = -1;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => {
      if (firstByteMs < 0) firstByteMs = performance.now() - started;
      out.push(c);
    });
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 || firstByteMs < 0) reject(new Error(`cold-start probe exited with ${code}: ${Buffer.concat(err).toString("utf8").slice(0, 300)}`));
      else resolvePromise({ firstByteMs, stdout: Buffer.concat(out).toString("utf8") });
    });
  });
}


async function measureNow(): Promise<ColdStarts> {
  const isolate = JSON.parse((await run(["--no-node-snapshot", "--input-type=module", "-e", ISOLATE_PROBE])).stdout) as number[];
  const processes: number[] = [];
  const childWorker = `${HANDLER} process.stdout.write(globalThis.handle("first"));`;
  for (let i = 0; i < PROCESS_SAMPLES; i++) processes.push((await run(["-e", childWorker])).firstByteMs);
  return {
    isolateMs: Math.min(...isolate),
    processMs: Math.min(...processes),
    statistic: "best",
    source: `best of ${ISOLATE_SAMPLES} and ${PROCESS_SAMPLES} runs at book build`,
  };
}

// Two chapters show this figure; measuring once keeps their numbers identical and the build fast.
let rendered: Promise<string> | undefined;

export function render(): Promise<string> {
  rendered ??= draw();
  return rendered;
}

async function draw(): Promise<string> {
  const m = fromBench() ?? (await measureNow());
  return barChart({
    title: `Cold start: a fresh process takes ${(m.processMs / m.isolateMs).toFixed(0)}x an isolate (${m.source})`,
    yLabel: "ms to the first response",
    categories: [
      ...(m.spareMs === undefined ? [] : [`spare isolate: ${m.spareMs.toFixed(1)} ms`]),
      `isolate: ${m.isolateMs.toFixed(1)} ms`,
      `fresh process: ${m.processMs.toFixed(1)} ms`,
    ],
    series: [{ name: m.statistic, values: [...(m.spareMs === undefined ? [] : [m.spareMs]), m.isolateMs, m.processMs] }],
    // Milliseconds against a few hundred: on a linear axis the spare isolate's bar is invisible.
    yLog: true,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "cold-start.svg", await render());
