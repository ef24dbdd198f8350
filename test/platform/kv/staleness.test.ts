import { describe, expect, it } from "vitest";
import { KvStore, staleReadProbability } from "../../../src/kv/index.js";
import { Simulation } from "../../../src/sim/index.js";

/**
 * Simulates the staleness law's setting on the store itself: `readers` PoPs, each alone in its
 * regional tier, read one key every `intervalMs` with `cacheTtlMs` from a random phase; then
 * another PoP overwrites the key. Returns, per read index k after the write (reads in
 * [k·interval, (k+1)·interval)), the share of reads that still returned the old value.
 */
function simulate(seed: number, readers: number, cacheTtlMs: number, intervalMs: number): number[] {
  const sim = new Simulation({ seed, startMs: 0, trace: false });
  const pops = ["W", ...Array.from({ length: readers }, (_, i) => `R${i}`)];
  const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops, tierOf: (pop) => pop, ownWriteMissProbability: 0 });
  const text = (pop: string): string | null => {
    const v = store.read("NS", pop, "k", cacheTtlMs);
    return v?.value ? new TextDecoder().decode(v.value) : null;
  };
  const cycleMs = Math.ceil(cacheTtlMs / intervalMs) * intervalMs;
  store.write("NS", "W", "k", { value: new TextEncoder().encode("old") });
  const writeAtMs = 1_000 + cycleMs + 2 * cacheTtlMs;
  const horizonMs = writeAtMs + cacheTtlMs + 2 * intervalMs;
  const phase = sim.rng.fork("phase");
  const reads: Array<{ atMs: number; pop: string }> = [];
  for (let r = 0; r < readers; r++) {
    // A start spread over one fill cycle puts each reader at a uniformly random point of it.
    for (let t = 1_000 + phase.float(0, cycleMs); t < horizonMs; t += intervalMs) reads.push({ atMs: t, pop: `R${r}` });
  }
  reads.sort((a, b) => a.atMs - b.atMs);
  const stale: number[] = [];
  const total: number[] = [];
  let written = false;
  for (const read of reads) {
    if (!written && read.atMs >= writeAtMs) {
      sim.run(writeAtMs);
      store.write("NS", "W", "k", { value: new TextEncoder().encode("new") });
      written = true;
    }
    sim.run(read.atMs);
    const got = text(read.pop);
    if (!written) continue;
    const k = Math.floor((read.atMs - writeAtMs) / intervalMs);
    total[k] = (total[k] ?? 0) + 1;
    if (got === "old") stale[k] = (stale[k] ?? 0) + 1;
  }
  return total.map((n, k) => (stale[k] ?? 0) / n);
}

describe("KV staleness law (src/kv/staleness.ts, stated in src/kv/README.md and the KV chapter)", () => {
  it("gives (T - 1 - floor(t)) / T for 1 s reads with a T-second cacheTtl, 1 - t/T for continuous reads, and 0 from cacheTtl on", () => {
    expect(staleReadProbability(0, 30_000, 1_000)).toBeCloseTo(29 / 30, 12);
    expect(staleReadProbability(15_500, 30_000, 1_000)).toBeCloseTo(14 / 30, 12);
    expect(staleReadProbability(28_999, 30_000, 1_000)).toBeCloseTo(1 / 30, 12);
    expect(staleReadProbability(29_000, 30_000, 1_000)).toBe(0);
    expect(staleReadProbability(45_000, 60_000, 1_000)).toBeCloseTo(14 / 60, 12);
    expect(staleReadProbability(30_000, 60_000, 1)).toBeCloseTo(0.5, 4);
    expect(staleReadProbability(60_000, 60_000, 1)).toBe(0);
    // A read interval that does not divide cacheTtl: a fill every ⌈45 / 7⌉ = 7 reads.
    expect(staleReadProbability(13_000, 45_000, 7_000)).toBeCloseTo(5 / 7, 12);
  });

  for (const [cacheTtlMs, intervalMs] of [
    [30_000, 1_000],
    [60_000, 1_000],
    [45_000, 7_000],
  ] as const) {
    it(`matches the store on a fixed seed: cacheTtl ${cacheTtlMs / 1000} s, a read every ${intervalMs / 1000} s, 600 readers`, () => {
      const simulated = simulate(42, 600, cacheTtlMs, intervalMs);
      const reads = Math.ceil(cacheTtlMs / intervalMs);
      expect(simulated.length).toBeGreaterThan(reads);
      let absErrorSum = 0;
      simulated.forEach((share, k) => {
        const law = staleReadProbability(k * intervalMs, cacheTtlMs, intervalMs);
        // 600 reads per point: one standard deviation is at most 0.021; allow four.
        expect(Math.abs(share - law), `read ${k} after the write: simulated ${share.toFixed(3)}, law ${law.toFixed(3)}`).toBeLessThan(0.085);
        absErrorSum += Math.abs(share - law);
      });
      expect(absErrorSum / simulated.length).toBeLessThan(0.03);
      // Exactly: never stale from the cacheTtl-th read on, and stale right after the write
      // unless that very read was a refill.
      for (let k = reads - 1; k < simulated.length; k++) expect(simulated[k]).toBe(0);
      expect(simulated[0]).toBeGreaterThan(1 - 2 / reads);
    });
  }
});
