/**
 * `npm run wpt`: runs the web-platform-tests files listed in suite.ts inside edge-kata isolates
 * and in Node, and writes test/wpt/results.json (rendered in the book's Workers chapter).
 *
 *   WPT_DIR=path/to/wpt npm run wpt [-- area-or-file-substring ...] [--streams=polyfill] [--no-node] [--verbose] [--worker=path/to/src/workers/index.ts]
 *
 * `--streams=polyfill` replaces the runtime's stream classes with web-streams-polyfill's inside
 * the isolate (the comparison issue 18 asked for); `--worker` measures another checkout's runtime.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WallClock } from "../../src/sim/clock.js";
import { type FileResult, type ModuleWorker, type WorkerFactory, runInIsolate, runInNode } from "./harness.js";
import { AREAS, WPT_COMMIT, areaFiles } from "./suite.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const root = resolve(process.env.WPT_DIR ?? join(repo, ".wpt"));
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith("--"));
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const polyfill = option("streams") === "polyfill";
const withNode = !args.includes("--no-node");
const verbose = args.includes("--verbose");

if (!existsSync(join(root, "resources", "testharness.js"))) {
  console.error(`No web-platform-tests checkout at ${root}: clone the web-platform-tests repository (commit ${WPT_COMMIT} for the committed results) and set WPT_DIR.`);
  process.exit(2);
}

const workerModule = option("worker") === undefined ? "../../src/workers/index.js" : pathToFileURL(resolve(option("worker")!)).href;
const { Worker } = (await import(workerModule)) as { Worker: new (source: string, config: { name: string; cpuMsMax: number }, options: { clock: WallClock }) => ModuleWorker };
const POLYFILL_STREAMS = polyfill ? readFileSync(join(repo, "node_modules", "web-streams-polyfill", "dist", "ponyfill.js"), "utf8") : "";
const makeWorker: WorkerFactory = (source, name, cpuMsMax) =>
  new Worker(polyfill ? `${POLYFILL_STREAMS}\n;Object.assign(globalThis, globalThis.WebStreamsPolyfill);\n${source}` : source, { name, cpuMsMax }, { clock: new WallClock() });

const passed = (r: FileResult): number => r.tests.filter((t) => t.status === 0).length;

interface Row {
  file: string;
  total: number;
  isolate: { pass: number; harness: FileResult["harness"]; message?: string | null };
  node?: { pass: number; harness: FileResult["harness"] };
}

const rows: Array<Row & { area: string }> = [];
for (const area of AREAS) {
  for (const file of areaFiles(root, area)) {
    if (filters.length > 0 && !filters.some((f) => file.includes(f) || area.name.includes(f))) continue;
    const t0 = performance.now();
    const [mine, node] = await Promise.all([runInIsolate(root, file, makeWorker), withNode ? runInNode(root, file) : Promise.resolve(null)]);
    const total = Math.max(mine.tests.length, node?.tests.length ?? 0);
    const row: Row & { area: string } = { area: area.name, file, total, isolate: { pass: passed(mine), harness: mine.harness, message: mine.harness === 0 ? undefined : mine.message } };
    if (node !== null) row.node = { pass: passed(node), harness: node.harness };
    rows.push(row);
    if (verbose) for (const t of mine.tests) if (t.status !== 0) console.error(`  ✗ ${t.name}: ${String(t.message).slice(0, 200)}`);
    console.error(`${file}: ${row.isolate.pass}/${total}${node === null ? "" : ` (node ${row.node!.pass})`} ${((performance.now() - t0) / 1000).toFixed(1)} s${mine.harness === 0 ? "" : ` [${mine.harness}: ${String(mine.message).slice(0, 120)}]`}`);
  }
}

const sum = (list: Row[], pick: (r: Row) => number): number => list.reduce((s, r) => s + pick(r), 0);
const areas = AREAS.map((a) => {
  const list = rows.filter((r) => r.area === a.name);
  return { area: a.name, files: list.length, total: sum(list, (r) => r.total), isolate: sum(list, (r) => r.isolate.pass), node: withNode ? sum(list, (r) => r.node!.pass) : null };
}).filter((a) => a.files > 0);

console.log(`| area | files | tests | edge-kata isolate${polyfill ? " (streams: web-streams-polyfill)" : ""} | Node ${process.version} |\n|---|---:|---:|---:|---:|`);
for (const a of areas) console.log(`| ${a.area} | ${a.files} | ${a.total} | ${a.isolate} | ${a.node ?? "–"} |`);

if (filters.length === 0 && !polyfill && option("worker") === undefined) {
  let wptCommit = WPT_COMMIT;
  try {
    wptCommit = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // Not a git checkout: the recorded commit stands.
  }
  writeFileSync(join(here, "results.json"), `${JSON.stringify({ wptCommit, node: process.version, areas, files: rows }, null, 1)}\n`);
}
