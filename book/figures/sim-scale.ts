/**
 * Figure: how the simulation scales, from the last `npm run bench` (`bench/sim-scale.ts`):
 * wall time against the number of simulated requests, on one thread and on two, both axes
 * logarithmic (the runs span two orders of magnitude), with the linear-scaling line through the
 * smallest run for reference. Without benchmark results the figure says so.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { lineChart, type Series } from "./lib/svg.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ROW = /^(\d+e\d+)( \(2 threads\))? requests: wall time$/;

export function render(): string {
  const path = join(ROOT, "bench", "results", "latest.json");
  const data = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { node: string; sections: Array<{ module: string; rows: Array<{ name: string; value: number }> }> }) : null;
  const rows = data?.sections.find((s) => s.module === "sim-scale.ts")?.rows ?? [];
  const one: Array<[number, number]> = [];
  const two: Array<[number, number]> = [];
  for (const r of rows) {
    const m = ROW.exec(r.name);
    if (m) (m[2] ? two : one).push([Number(m[1]), r.value]);
  }
  const series: Series[] = [];
  if (one.length > 0) series.push({ name: "one thread", points: one });
  if (two.length > 0) series.push({ name: "two threads", points: two });
  const base = one[0];
  if (base && one.length > 1) series.push({ name: "linear from the smallest run", points: one.map(([n]) => [n, (base[1] * n) / base[0]] as [number, number]), color: "#59636e" });
  return lineChart({
    title: series.length > 0 ? `Simulated requests against wall time (Node ${data?.node}, from bench/results/latest.json)` : "No sim-scale rows in bench/results/latest.json: run npm run bench",
    xLabel: "simulated requests",
    yLabel: "wall time (s)",
    xLog: true,
    yLog: true,
    series: series.length > 0 ? series : [{ name: "no data", points: [[1, 1], [10, 10]] }],
  });
}
