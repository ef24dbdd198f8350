/**
 * Figure: the distribution of smart routing's improvement over the direct Internet path.
 * Samples are drawn exactly as `runImprovementStudy` draws them (same seed, same named
 * streams, same order), so this curve's median and 90th percentile are the study's p50 and
 * p90; the figure keeps every sample to draw the whole curve.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { PopMesh, SmartRouter } from "../../src/routing/index.js";
import { POPS, Rng } from "../../src/sim/index.js";
import { lineChart } from "./lib/svg.js";

export const FIGURE_SEED = 5;
export const SAMPLES = 1_000;
const SPAN_MS = 86_400_000;

/** Improvement (%) of each sampled (client PoP, origin PoP, time). */
export function improvementSamples(seed = FIGURE_SEED, samples = SAMPLES): { gains: number[]; viaBackbone: number } {
  const rng = new Rng(seed);
  const router = new SmartRouter(new PopMesh({ pops: POPS, rng: rng.fork("mesh") }));
  const draw = rng.fork("samples");
  const gains: number[] = [];
  let viaBackbone = 0;
  for (let i = 0; i < samples; i++) {
    const from = draw.pick(POPS).code;
    let to = draw.pick(POPS).code;
    while (to === from) to = draw.pick(POPS).code;
    const decision = router.route(from, to, draw.float(0, SPAN_MS));
    gains.push(decision.improvementPct);
    if (decision.viaBackbone) viaBackbone++;
  }
  return { gains, viaBackbone };
}

export function render(): string {
  const { gains, viaBackbone } = improvementSamples();
  const sorted = [...gains].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const points: Array<[number, number]> = [];
  for (let p = 0; p <= 100; p++) points.push([p === 0 ? 0 : at(p), p]);
  return lineChart({
    title: `Smart routing vs direct, ${POPS.length} PoPs: p50 ${at(50).toFixed(1)}%, p90 ${at(90).toFixed(1)}%, ${((100 * viaBackbone) / SAMPLES).toFixed(0)}% via backbone`,
    xLabel: "improvement over the direct path (%)",
    yLabel: "% of requests with at most this gain",
    yMin: 0,
    series: [{ name: `${SAMPLES} samples`, points }],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "routing-improvement.svg", render());
