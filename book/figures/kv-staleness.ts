/**
 * Figure: how long Workers KV readers see the old value. A hot key is read once a second in
 * every PoP (each PoP's first read at a seeded moment, so their cache entries expire at
 * different times); then one PoP overwrites it. Each curve is the share of PoPs whose read still
 * returns the old value, from `KvStore` running in a `Simulation`.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { KvStore } from "../../src/kv/index.js";
import { POPS, Simulation } from "../../src/sim/index.js";
import { lineChart } from "./lib/svg.js";

export const FIGURE_SEED = 1;
const WRITER_POP = "LHR";
const WARM_UP_MS = 120_000;
const HORIZON_S = 150;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | null | undefined): string => (value ? new TextDecoder().decode(value) : "null");

/** Share of PoPs (%) that read the old value, each second after the write. */
function staleCurve(seed: number, cacheTtlMs: number | null): Array<[number, number]> {
  const sim = new Simulation({ seed, trace: false });
  const pops = POPS.map((p) => p.code);
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops });
  store.write("NS", WRITER_POP, "flag", { value: bytes("old") });
  sim.run(WARM_UP_MS / 2);
  const readers = pops.filter((p) => p !== WRITER_POP);
  if (cacheTtlMs !== null) {
    // A hot key: every PoP has been reading it once a second, starting at a seeded moment.
    const phase = sim.rng.fork("read-phase");
    for (const pop of readers) {
      const firstMs = sim.now() + phase.float(0, cacheTtlMs);
      const every = (): void => void store.read("NS", pop, "flag", cacheTtlMs);
      sim.at(firstMs, every, "first read");
      for (let t = firstMs + 1000; t < WARM_UP_MS; t += 1000) sim.at(t, every, "read");
    }
  }
  sim.run(WARM_UP_MS);
  store.write("NS", WRITER_POP, "flag", { value: bytes("new") });
  const points: Array<[number, number]> = [];
  for (let s = 0; s <= HORIZON_S; s++) {
    sim.run(WARM_UP_MS + s * 1000);
    // Without a cache curve, a fresh namespace per sample reads the PoP's view of the store as is.
    const stale = readers.filter((pop) => {
      if (cacheTtlMs !== null) return text(store.read("NS", pop, "flag", cacheTtlMs)?.value) !== "new";
      return text(store.read("NS", pop, "flag", 0)?.value) !== "new";
    }).length;
    points.push([s, (100 * stale) / readers.length]);
  }
  return points;
}

export function render(): string {
  return lineChart({
    title: `Workers KV: PoPs still reading the old value after a write at ${WRITER_POP} (${POPS.length} PoPs)`,
    xLabel: "seconds after the write",
    yLabel: "% of PoPs reading the old value",
    yMin: 0,
    series: [
      { name: "cacheTtl 60 s", points: staleCurve(FIGURE_SEED, 60_000) },
      { name: "cacheTtl 30 s", points: staleCurve(FIGURE_SEED, 30_000) },
      { name: "no cache", points: staleCurve(FIGURE_SEED, null) },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "kv-staleness.svg", render());
