import { Rng } from "../sim/rng.js";
import type { Pop } from "../sim/pops.js";
import { OriginRouter } from "./origin-router.js";

export interface ImprovementStudyOptions {
  readonly pops: readonly Pop[];
  readonly seed: number;
  /** Random (client PoP, origin PoP, time) samples. @defaultValue 2000 */
  readonly samples?: number;
  /** Sample times are spread over this span, so congestion varies. @defaultValue one day */
  readonly spanMs?: number;
}

export interface ImprovementStudy {
  readonly samples: number;
  readonly p50Pct: number;
  readonly p90Pct: number;
  readonly meanPct: number;
  /** Share of samples where the backbone beat the direct path. */
  readonly backboneShare: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Distribution of Argo-style improvement over direct paths for random PoP pairs and times. */
export function runImprovementStudy(options: ImprovementStudyOptions): ImprovementStudy {
  const rng = new Rng(options.seed);
  // The pipeline's routing stage with smart routing on, measuring at each sampled moment.
  const router = new OriginRouter({ pops: options.pops, rng: rng.fork("mesh"), smart: true, measureIntervalMs: 0 });
  const draw = rng.fork("samples");
  const samples = options.samples ?? 2000;
  const spanMs = options.spanMs ?? 86_400_000;
  const gains: number[] = [];
  let backbone = 0;
  for (let i = 0; i < samples; i++) {
    const from = draw.pick(options.pops).code;
    let to = draw.pick(options.pops).code;
    while (to === from) to = draw.pick(options.pops).code;
    const route = router.route(from, to, draw.float(0, spanMs));
    gains.push(((route.bgpRttMs - route.rttMs) / route.bgpRttMs) * 100);
    if (route.viaBackbone) backbone++;
  }
  const sorted = [...gains].sort((a, b) => a - b);
  return {
    samples,
    p50Pct: percentile(sorted, 50),
    p90Pct: percentile(sorted, 90),
    meanPct: gains.reduce((a, b) => a + b, 0) / Math.max(1, samples),
    backboneShare: backbone / Math.max(1, samples),
  };
}
