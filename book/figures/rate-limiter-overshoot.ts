/**
 * Figure: the hybrid rate limiter's dial (Q1 level 6). Each PoP admits on its local estimate
 * and syncs with the key's Durable Object every k requests; the curve is the worst overshoot
 * over the limit, and the share of requests that waited for a sync, against k. The scenario is
 * the level-6 tuning scenario of the kata suite (`runTuningScenario`: L = 10 000 per 10 s,
 * 1.3 L offered from London, Washington and Tokyo), run on the reference solution.
 * Live in the page: a slider picks k, the page runs the scenario at that k and marks it.
 */
import * as hybrid from "../../solutions/q1-rate-limiter/level-6-hybrid.js";
import { type HybridImpl, type HybridRun, runTuningScenario, TUNING_SCENARIO } from "../../test/katas/q1-rate-limiter/hybrid-scenario.js";
import { type LiveFigure, memo } from "./lib/live.js";
import { lineChart } from "./lib/svg.js";

// Six points on a log axis keep the build fast: small k (k = 1 is the level-5 limiter) costs
// the most simulated syncs, and the table in the model answer has them.
export const SYNC_EVERY_REQUESTS = [20, 50, 120, 250, 500, 1000] as const;
const SYNC_EVERY_MS = TUNING_SCENARIO.windowMs;
/** The slider's range and its starting point (a point of the curve). */
const K_MIN = 10;
const K_MAX = 1000;
const K_DEFAULT = 120;

const runs = memo((k: number): Promise<HybridRun> => runTuningScenario(hybrid as unknown as HybridImpl, { syncEveryRequests: k, syncEveryMs: SYNC_EVERY_MS }));

const pct = (share: number): string => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`;

/** The curve over `SYNC_EVERY_REQUESTS` and `k`, with `k` marked and its two figures stated. */
export async function renderAt(k: number): Promise<string> {
  const ks = [...new Set([...SYNC_EVERY_REQUESTS, k])].sort((a, b) => a - b);
  const results = await Promise.all(ks.map((x) => runs.get(x)));
  const overshoot = ks.map((x, i): [number, number] => [x, results[i]!.overshoot * 100]);
  const synced = ks.map((x, i): [number, number] => [x, results[i]!.syncShare * 100]);
  const chosen = results[ks.indexOf(k)]!;
  const budget = TUNING_SCENARIO.overshootMax * 100;
  return lineChart({
    title: `Hybrid limiter: sync every k requests (L = ${TUNING_SCENARIO.limit} per ${TUNING_SCENARIO.windowMs / 1000} s, ${TUNING_SCENARIO.pops.length} PoPs)`,
    xLabel: "k: requests a PoP admits locally between syncs",
    yLabel: "% (of the limit / of requests)",
    yMin: 0,
    xLog: true,
    highlight: { x: k, label: `k = ${k}: overshoot ${pct(Math.max(0, chosen.overshoot))}, ${pct(chosen.syncShare)} synced` },
    series: [
      { name: "worst overshoot", points: overshoot },
      { name: "requests that synced", points: synced },
      { name: `overshoot budget ${budget}%`, points: [[ks[0]!, budget], [ks[ks.length - 1]!, budget]], color: "#59636e" },
    ],
  });
}

export const live: LiveFigure = {
  control: { kind: "range", label: "k", min: K_MIN, max: K_MAX, step: K_MIN, value: K_DEFAULT, unit: "requests" },
  render: (value) => renderAt(Number(value)),
  reset: () => runs.clear(),
};

export function render(): Promise<string> {
  return renderAt(K_DEFAULT);
}
