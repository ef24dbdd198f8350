/**
 * Figure: requests per second of each server in the last `npm run bench:peers` run
 * (`bench/results/peers.json`), per workload: this platform with every stage on and with the WAF
 * off, Miniflare 3 (workerd) and the bare node:http ceiling, all under the same load generator
 * in the same run. The axis is logarithmic: the ceiling is an order of magnitude above the rest.
 * Without a committed run the figure says so.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { barChart } from "./lib/svg.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The servers in the order the table beside the figure lists them. */
export const SERVERS = ["edge-kata", "edge-kata, WAF off", "Miniflare", "node:http"] as const;

interface PeersRun {
  node: string;
  cpus: number;
  miniflare: string;
  rows: Array<{ workload: string } & Partial<Record<(typeof SERVERS)[number], { requestsPerSecond: number }>>>;
}

export function render(path = join(ROOT, "bench", "results", "peers.json")): string {
  const data = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as PeersRun) : null;
  if (data === null || data.rows.length === 0) {
    return barChart({ title: "No Miniflare comparison in bench/results/peers.json: run npm run bench:peers", yLabel: "requests/s", categories: ["no data"], series: [{ name: "no data", values: [0] }] });
  }
  const servers = SERVERS.filter((s) => data.rows.some((r) => r[s] !== undefined));
  return barChart({
    title: `Requests/s in one bench:peers run (${data.cpus} cores, ${data.miniflare})`,
    yLabel: "requests/s",
    categories: data.rows.map((r) => r.workload),
    series: servers.map((s) => ({ name: s, values: data.rows.map((r) => r[s]?.requestsPerSecond ?? null) })),
    yLog: true,
  });
}
