/**
 * Figure: how long Workers KV readers see the old value. A hot key is read once a second in
 * every PoP of the dataset (each PoP's first read at a seeded moment; the PoPs of a region
 * share its tier); then one PoP overwrites it at a seeded moment. Each simulated curve is the
 * share of reads that still return the old value, from `KvStore` in a `Simulation`; the "law"
 * curves are `staleReadProbability`, the model's closed form for a PoP alone in its tier.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { KvStore, staleReadProbability } from "../../src/kv/index.js";
import { POPS, Simulation } from "../../src/sim/index.js";
import { lineChart } from "./lib/svg.js";

export const FIGURE_SEED = 1;
const WRITER_POP = "LHR";
const TRIALS = 8;
const HORIZON_S = 75;
const READ_INTERVAL_MS = 1_000;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | null | undefined): string => (value ? new TextDecoder().decode(value) : "null");

/**
 * Share of PoPs (%) whose once-a-second read returns the old value, for the read in each second
 * after the write, averaged over `TRIALS` writes at seeded moments. One write alone gives a
 * staircase: the PoPs of a region read through one tier, inherit its copy's age and so switch
 * to the new value together, when the tier's copy times out.
 */
function staleCurve(seed: number, cacheTtlMs: number): Array<[number, number]> {
  const pops = POPS.map((p) => p.code);
  const readers = pops.filter((p) => p !== WRITER_POP);
  const stale = new Array<number>(HORIZON_S + 1).fill(0);
  for (let trial = 0; trial < TRIALS; trial++) {
    const sim = new Simulation({ seed: seed + trial, trace: false });
    const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops });
    store.write("NS", WRITER_POP, "flag", { value: bytes("old") });
    const phase = sim.rng.fork("read-phase");
    // Every PoP starts reading within the first cacheTtl; the write comes a cycle later, at a seeded moment.
    const writeAtMs = 1_000 + cacheTtlMs + phase.float(cacheTtlMs, 2 * cacheTtlMs);
    for (const pop of readers) {
      for (let t = 1_000 + phase.float(0, cacheTtlMs); t < writeAtMs + (HORIZON_S + 1) * 1000; t += READ_INTERVAL_MS) {
        sim.at(t, () => {
          const old = text(store.read("NS", pop, "flag", cacheTtlMs)?.value) === "old";
          const second = Math.floor((t - writeAtMs) / 1000);
          if (second >= 0 && old) stale[second] = (stale[second] as number) + 1;
        }, "read");
      }
    }
    sim.at(writeAtMs, () => store.write("NS", WRITER_POP, "flag", { value: bytes("new") }), "write");
    sim.run();
  }
  return stale.map((n, s) => [s, (100 * n) / (readers.length * TRIALS)]);
}

function lawCurve(cacheTtlMs: number): Array<[number, number]> {
  return Array.from({ length: HORIZON_S + 1 }, (_, s) => [s, 100 * staleReadProbability(s * 1000, cacheTtlMs, READ_INTERVAL_MS)]);
}

export function render(): string {
  return lineChart({
    title: `Workers KV: PoPs still reading the old value after a write at ${WRITER_POP} (${POPS.length} PoPs, ${TRIALS} writes)`,
    xLabel: "seconds after the write",
    yLabel: "% of PoPs reading the old value",
    yMin: 0,
    series: [
      { name: "cacheTtl 60 s (simulated)", points: staleCurve(FIGURE_SEED, 60_000) },
      { name: "cacheTtl 60 s (law)", points: lawCurve(60_000) },
      { name: "cacheTtl 30 s (simulated)", points: staleCurve(FIGURE_SEED, 30_000) },
      { name: "cacheTtl 30 s (law)", points: lawCurve(30_000) },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "kv-staleness.svg", render());
