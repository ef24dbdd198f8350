/**
 * Figure: the hybrid rate limiter's dial (Q1 level 6). Each PoP admits on its local estimate
 * and syncs with the key's Durable Object every k requests; the curve is the worst overshoot
 * over the limit, and the share of requests that waited for a sync, against k. The scenario is
 * the level-6 tuning scenario of the kata suite (`runTuningScenario`: L = 10 000 per 10 s,
 * 1.3 L offered from London, Washington and Tokyo), run on the reference solution.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import * as hybrid from "../../solutions/q1-rate-limiter/level-6-hybrid.js";
import { runTuningScenario, TUNING_SCENARIO, type HybridImpl } from "../../test/katas/q1-rate-limiter/hybrid-scenario.js";
import { lineChart } from "./lib/svg.js";

// Four points keep the build fast: small k (k = 1 is the level-5 limiter) costs the most
// simulated syncs, and the table in the model answer has them.
export const SYNC_EVERY_REQUESTS = [50, 120, 250, 500] as const;
const SYNC_EVERY_MS = TUNING_SCENARIO.windowMs;

export async function render(): Promise<string> {
  const overshoot: Array<[number, number]> = [];
  const synced: Array<[number, number]> = [];
  for (const k of SYNC_EVERY_REQUESTS) {
    const run = await runTuningScenario(hybrid as unknown as HybridImpl, { syncEveryRequests: k, syncEveryMs: SYNC_EVERY_MS });
    overshoot.push([k, run.overshoot * 100]);
    synced.push([k, run.syncShare * 100]);
  }
  const budget = TUNING_SCENARIO.overshootMax * 100;
  const first = SYNC_EVERY_REQUESTS[0];
  const last = SYNC_EVERY_REQUESTS[SYNC_EVERY_REQUESTS.length - 1];
  return lineChart({
    title: `Hybrid limiter: sync every k requests (L = ${TUNING_SCENARIO.limit} per ${TUNING_SCENARIO.windowMs / 1000} s, ${TUNING_SCENARIO.pops.length} PoPs)`,
    xLabel: "k: requests a PoP admits locally between syncs",
    yLabel: "% (of the limit / of requests)",
    yMin: 0,
    series: [
      { name: "worst overshoot", points: overshoot },
      { name: "requests that synced", points: synced },
      { name: `overshoot budget ${budget}%`, points: [[first, budget], [last, budget]], color: "#59636e" },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "rate-limiter-overshoot.svg", await render());
