/**
 * Serves one benchmark workload with this platform in its own process, so that, like
 * Miniflare's workerd, the server under test does not share a process with the load
 * generator. Prints `READY <url>` when it answers; exits when stdin closes (the parent ended)
 * or on SIGTERM.
 *
 *   node --no-node-snapshot --import tsx bench/lib/edge-child.ts <workload index> <full|waf-off>
 */
import { WORKLOADS, startEdgeTarget, type EdgeVariant } from "./edge-targets.js";

const index = Number(process.argv[2]);
const variant = process.argv[3] as EdgeVariant;
const workload = WORKLOADS[index];
if (workload === undefined || (variant !== "full" && variant !== "waf-off")) {
  console.error(`usage: edge-child.ts <0..${WORKLOADS.length - 1}> <full|waf-off>`);
  process.exit(2);
}
const target = await startEdgeTarget(workload, variant);
let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  void target.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.stdout.write(`READY ${target.url}\n`);
