/**
 * Figure: how long Workers KV readers see the old value. A hot key is read once a second in
 * every PoP of the dataset (each PoP's first read at a seeded moment; the PoPs of a region
 * share its tier); then one PoP overwrites it at a seeded moment. Each simulated curve is the
 * share of reads that still return the old value, from `KvStore` in a `Simulation`; the "law"
 * curves are `staleReadProbability`, the model's closed form for a PoP alone in its tier.
 * Live in the page: a slider sets the readers' `cacheTtl`; the minimum stays as the reference.
 */
import { fact } from "../../src/facts/index.js";
import { KvStore, staleReadProbability } from "../../src/kv/index.js";
import { POPS, Simulation } from "../../src/sim/index.js";
import { type LiveFigure, memo } from "./lib/live.js";
import { lineChart, type Series } from "./lib/svg.js";

export const FIGURE_SEED = 1;
const WRITER_POP = "LHR";
const TRIALS = 8;
const HORIZON_S_MIN = 75;
const READ_INTERVAL_MS = 1_000;
const CACHE_TTL_S_MIN = fact("kv.cacheTtlMinSeconds").value;
const CACHE_TTL_S_DEFAULT = fact("kv.cacheTtlDefaultSeconds").value;
/** The slider's top: five minutes, long enough to show the staircase stretch. */
const CACHE_TTL_S_SLIDER_MAX = 300;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const isOld = (value: Uint8Array | null | undefined): boolean => value !== null && value !== undefined && value.length === 3 && value[0] === 0x6f; // "old"

/** Seconds the figure shows after the write: every curve has reached 0 well before the end. */
const horizonS = (cacheTtlS: number): number => Math.max(HORIZON_S_MIN, cacheTtlS + 15);

/**
 * Share of PoPs (%) whose once-a-second read returns the old value, for the read in each second
 * after the write, averaged over `TRIALS` writes at seeded moments. One write alone gives a
 * staircase: the PoPs of a region read through one tier, inherit its copy's age and so switch
 * to the new value together, when the tier's copy times out.
 */
function staleCurve(seed: number, cacheTtlMs: number, horizon: number): Array<[number, number]> {
  const pops = POPS.map((p) => p.code);
  const readers = pops.filter((p) => p !== WRITER_POP);
  const stale = new Array<number>(horizon + 1).fill(0);
  for (let trial = 0; trial < TRIALS; trial++) {
    const sim = new Simulation({ seed: seed + trial, trace: false });
    const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops });
    store.write("NS", WRITER_POP, "flag", { value: bytes("old") });
    const phase = sim.rng.fork("read-phase");
    // Every PoP starts reading within the first cacheTtl; the write comes a cycle later, at a seeded moment.
    const writeAtMs = 1_000 + cacheTtlMs + phase.float(cacheTtlMs, 2 * cacheTtlMs);
    const endMs = writeAtMs + (horizon + 1) * 1000;
    for (const pop of readers) {
      // Each read schedules the next, so the queue holds one read per PoP, not the whole run.
      const read = (t: number): void => {
        if (isOld(store.read("NS", pop, "flag", cacheTtlMs)?.value)) {
          const second = Math.floor((t - writeAtMs) / 1000);
          if (second >= 0) stale[second] = (stale[second] as number) + 1;
        }
        if (t + READ_INTERVAL_MS < endMs) sim.at(t + READ_INTERVAL_MS, () => read(t + READ_INTERVAL_MS), "read");
      };
      const first = 1_000 + phase.float(0, cacheTtlMs);
      sim.at(first, () => read(first), "read");
    }
    sim.at(writeAtMs, () => store.write("NS", WRITER_POP, "flag", { value: bytes("new") }), "write");
    sim.run();
  }
  return stale.map((n, s) => [s, (100 * n) / (readers.length * TRIALS)]);
}

function lawCurve(cacheTtlMs: number, horizon: number): Array<[number, number]> {
  return Array.from({ length: horizon + 1 }, (_, s) => [s, 100 * staleReadProbability(s * 1000, cacheTtlMs, READ_INTERVAL_MS)]);
}

const simulated = memo((key: string) => {
  const [ttlS, horizon] = key.split(":").map(Number) as [number, number];
  return staleCurve(FIGURE_SEED, ttlS * 1000, horizon);
});

/** The figure for readers whose cacheTtl is `cacheTtlS`, with the minimum cacheTtl beside it. */
export function renderAt(cacheTtlS: number): string {
  const horizon = horizonS(cacheTtlS);
  const series: Series[] = [];
  for (const ttl of cacheTtlS === CACHE_TTL_S_MIN ? [cacheTtlS] : [cacheTtlS, CACHE_TTL_S_MIN]) {
    series.push({ name: `cacheTtl ${ttl} s (simulated)`, points: simulated.get(`${ttl}:${horizon}`) });
    series.push({ name: `cacheTtl ${ttl} s (law)`, points: lawCurve(ttl * 1000, horizon) });
  }
  return lineChart({
    title: `Workers KV: PoPs still reading the old value after a write at ${WRITER_POP} (${POPS.length} PoPs, ${TRIALS} writes)`,
    xLabel: "seconds after the write",
    yLabel: "% of PoPs reading the old value",
    yMin: 0,
    series,
  });
}

export const live: LiveFigure = {
  control: { kind: "range", label: "cacheTtl", min: CACHE_TTL_S_MIN, max: CACHE_TTL_S_SLIDER_MAX, step: CACHE_TTL_S_MIN, value: CACHE_TTL_S_DEFAULT, unit: "s" },
  render: (value) => renderAt(Number(value)),
  reset: () => simulated.clear(),
};

export function render(): string {
  return renderAt(CACHE_TTL_S_DEFAULT);
}
