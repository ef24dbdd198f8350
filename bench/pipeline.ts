/**
 * Full-pipeline throughput of the real server: `startEdgeServer` (what `npm start --config`
 * runs, storage in memory) on 127.0.0.1, loaded by the in-repo closed-loop generator for ~3 s
 * per workload. Every request crosses HTTP parsing, anycast choice, L3/L4 scrubbing, modelled
 * TLS, the WAF, the worker's V8 isolate and the response decoration.
 *
 * The server runs in its own process (`bench/lib/edge-process.ts`), as `npm start` does, so
 * the load generator does not share its event loop; `bench/peers.ts` adds Miniflare and a
 * bare node:http ceiling under the same settings.
 *
 * Run alone: node --no-node-snapshot --import tsx bench/pipeline.ts
 */
import { pathToFileURL } from "node:url";
import { startEdgeProcess } from "./lib/edge-process.js";
import { WORKLOADS } from "./lib/edge-targets.js";
import { runLoad, type LoadResult } from "./lib/load.js";

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export const LOAD_SETTINGS = { connections: 32, durationMs: 3_000, warmupRequests: 200 } as const;

/** "200 × 9,731" or "200 × 9,700, 403 × 31": non-200 answers must not pass unnoticed. */
export function statusNote(result: LoadResult): string {
  return Object.entries(result.statuses)
    .map(([status, n]) => `${status} × ${n}`)
    .join(", ");
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const workload of WORKLOADS) {
    const target = await startEdgeProcess(workload, "full");
    try {
      const r = await runLoad({ url: target.url, ...LOAD_SETTINGS });
      const conns = `${LOAD_SETTINGS.connections} connections, ${(LOAD_SETTINGS.durationMs / 1000).toFixed(0)} s, loopback`;
      rows.push({ name: `${workload.name}: throughput`, value: r.requestsPerSecond, unit: "requests/s", note: `${conns}; server in its own process; ${statusNote(r)}; ${r.errors} errors` });
      rows.push({ name: `${workload.name}: latency p50`, value: r.latencyMsP50, unit: "ms" });
      rows.push({ name: `${workload.name}: latency p99`, value: r.latencyMsP99, unit: "ms" });
    } finally {
      await target.close();
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await run();
  console.log("| figure | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(2)} | ${r.unit} | ${r.note ?? ""} |`);
}
