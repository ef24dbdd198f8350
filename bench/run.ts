/**
 * `npm run bench`: runs every benchmark module in bench/ (each exports `run(): Promise<BenchRow[]>`),
 * prints one markdown table and writes bench/results/latest.json.
 * `npm run bench -- waf-crs lin` runs the named modules only (a name that is a module's exactly
 * picks that module, so `lin` is lin.ts and not pipeline.ts; otherwise it matches by substring)
 * and replaces just their sections in latest.json, keeping the others; each section records
 * when it was measured and the load average then.
 *
 * Figures are measured in the same run so they can be compared as ratios; these machines are
 * noisy, so absolute times are indicative only.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cpus, loadavg, totalmem } from "node:os";
import { generatorName } from "./lib/load.js";
import { type BenchRow } from "./lib/rows.js";

export type { BenchRow };

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));

const all = readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".d.ts"));
/** A module named exactly (`lin`, `lin.ts`), else every module whose file name contains the word. */
const picked = (o: string): string[] => {
  const exact = all.filter((f) => f === o || f === `${o}.ts`);
  return exact.length > 0 ? exact : all.filter((f) => f.includes(o));
};
const modules = (only.length === 0 ? all : [...new Set(only.flatMap(picked))]).sort();
if (modules.length === 0) {
  console.error(`bench: no module matches ${only.join(", ")}; modules: ${all.map((f) => f.replace(/\.ts$/, "")).join(", ")}`);
  process.exit(2);
}

interface Section {
  module: string;
  rows: BenchRow[];
  error?: string;
  seconds: number;
  /** When this section was measured (ISO), and the 1-minute load average then. */
  measuredAt?: string;
  loadavg1?: number;
}
const sections: Section[] = [];
for (const file of modules) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<BenchRow[]> };
  if (typeof mod.run !== "function") continue;
  const started = performance.now();
  process.stderr.write(`bench: ${file} …\n`);
  try {
    const rows = await mod.run();
    sections.push({ module: file, rows, seconds: (performance.now() - started) / 1000, measuredAt: new Date().toISOString(), loadavg1: loadavg()[0] ?? 0 });
  } catch (error) {
    sections.push({ module: file, rows: [], error: String(error), seconds: (performance.now() - started) / 1000, measuredAt: new Date().toISOString(), loadavg1: loadavg()[0] ?? 0 });
  }
}

const format = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`,
  `HTTP load generator: ${generatorName()}; HTTP rows show the bare node:http ceiling measured with it in the same run.`,
  "",
  "| benchmark | figure | value | unit | note |",
  "|---|---|---:|---|---|",
];
for (const s of sections) {
  if (s.error) lines.push(`| ${s.module} | **failed** | | | ${s.error.replace(/\|/g, "\\|").slice(0, 200)} |`);
  for (const r of s.rows) lines.push(`| ${s.module.replace(/\.ts$/, "")} | ${r.name} | ${format(r.value)} | ${r.unit} | ${r.note ?? ""} |`);
}
console.log(lines.join("\n"));
mkdirSync(join(here, "results"), { recursive: true });
const latestPath = join(here, "results", "latest.json");
// A partial run replaces only its own sections; the others keep their earlier measurement.
const earlier: Section[] = only.length > 0 && existsSync(latestPath) ? ((JSON.parse(readFileSync(latestPath, "utf8")) as { sections?: Section[] }).sections ?? []) : [];
const ran = new Set(sections.map((s) => s.module));
const merged = [...earlier.filter((s) => !ran.has(s.module)), ...sections].sort((a, b) => a.module.localeCompare(b.module));
writeFileSync(latestPath, `${JSON.stringify({ generator: generatorName(), node: process.version, cpus: cpus().length, sections: merged }, null, 2)}\n`);
if (sections.some((s) => s.error)) process.exitCode = 1;
