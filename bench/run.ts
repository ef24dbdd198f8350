/**
 * `npm run bench`: runs every benchmark module in bench/ (each exports `run(): Promise<BenchRow[]>`),
 * prints one markdown table and writes bench/results/latest.json.
 *
 * Figures are measured in the same run so they can be compared as ratios; these machines are
 * noisy, so absolute times are indicative only.
 */
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cpus, loadavg, totalmem } from "node:os";
import { generatorName } from "./lib/load.js";
import { type BenchRow } from "./lib/rows.js";

export type { BenchRow };

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));

const modules = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.endsWith(".d.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const sections: Array<{ module: string; rows: BenchRow[]; error?: string; seconds: number }> = [];
for (const file of modules) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<BenchRow[]> };
  if (typeof mod.run !== "function") continue;
  const started = performance.now();
  process.stderr.write(`bench: ${file} …\n`);
  try {
    sections.push({ module: file, rows: await mod.run(), seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    sections.push({ module: file, rows: [], error: String(error), seconds: (performance.now() - started) / 1000 });
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
writeFileSync(
  join(here, "results", "latest.json"),
  `${JSON.stringify({ generator: generatorName(), node: process.version, cpus: cpus().length, sections }, null, 2)}\n`,
);
if (sections.some((s) => s.error)) process.exitCode = 1;
