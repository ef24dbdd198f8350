import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { POPS, Rng } from "../../../src/sim/index.js";
import { congestionFactor, drawCongestion, PopMesh, runImprovementStudy, SmartRouter } from "../../../src/routing/index.js";

// A spread-out subset keeps the tests quick whatever the size of the PoP dataset.
const SUBSET = POPS.filter((_p, i) => i % Math.max(1, Math.floor(POPS.length / 40)) === 0);

describe("SmartRouter", () => {
  const mesh = new PopMesh({ pops: SUBSET, rng: new Rng(11) });
  const router = new SmartRouter(mesh);

  it("is never worse than the direct path, and its path adds up to what it claims", () => {
    fc.assert(
      fc.property(fc.nat(SUBSET.length - 1), fc.nat(SUBSET.length - 1), fc.integer({ min: 0, max: 86_400_000 }), (a, b, atMs) => {
        const from = SUBSET[a]!.code;
        const to = SUBSET[b]!.code;
        const d = router.route(from, to, atMs);
        expect(d.chosenMs).toBeLessThanOrEqual(d.directMs);
        expect(d.improvementPct).toBeGreaterThanOrEqual(0);
        expect(d.path[0]).toBe(from);
        expect(d.path[d.path.length - 1]).toBe(to);
        if (d.viaBackbone) {
          const graph = mesh.backboneAt(atMs);
          let sum = 0;
          for (let i = 1; i < d.path.length; i++) {
            const u = mesh.indexOf(d.path[i - 1]!);
            const v = mesh.indexOf(d.path[i]!);
            const w = [...graph.neighbors(u)].find(([to2]) => to2 === v)?.[1];
            expect(w, `link ${d.path[i - 1]}-${d.path[i]}`).toBeDefined();
            sum += w!;
          }
          expect(sum).toBeCloseTo(d.chosenMs, 9);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("measures time-varying congestion on some links and none on others", () => {
    const hours = Array.from({ length: 48 }, (_x, h) => h * 1_800_000);
    let varying = 0;
    let steady = 0;
    const first = [...mesh.backboneAt(0).neighbors(0)];
    for (let u = 0; u < SUBSET.length; u++) {
      for (const [v] of mesh.backboneAt(0).neighbors(u)) {
        const ws = hours.map((t) => [...mesh.backboneAt(t).neighbors(u)].find(([x]) => x === v)![1]);
        if (Math.max(...ws) > Math.min(...ws) * 1.01) varying++;
        else steady++;
      }
    }
    expect(first.length).toBeGreaterThan(0);
    expect(varying).toBeGreaterThan(0);
    expect(steady).toBeGreaterThan(0);
  });

  it("rejects an unknown PoP with an EdgeError", () => {
    expect(() => router.route("NOPE", SUBSET[0]!.code, 0)).toThrow(expect.objectContaining({ code: "ROUTING_UNKNOWN_POP" }));
  });

  it("finds the nearest PoP to a point", () => {
    const target = SUBSET[3]!;
    expect(SUBSET[mesh.nearestPop({ lat: target.lat + 0.01, lon: target.lon - 0.01 })]!.code).toBe(target.code);
  });
});

describe("congestion model", () => {
  it("keeps the factor between 1 and the link's peak, at all times", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 10 ** 9 }), (seed, atMs) => {
        const c = drawCongestion(new Rng(seed), { congestedShare: 1 });
        const f = congestionFactor(c, atMs);
        expect(f).toBeGreaterThanOrEqual(1);
        expect(f).toBeLessThanOrEqual(c!.peakFactor + 1e-9);
        expect(congestionFactor(null, atMs)).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe("improvement study", () => {
  it("is deterministic for a seed and reports a sane distribution", () => {
    const a = runImprovementStudy({ pops: SUBSET, seed: 5, samples: 300 });
    const b = runImprovementStudy({ pops: SUBSET, seed: 5, samples: 300 });
    expect(b).toEqual(a);
    expect(a.p50Pct).toBeGreaterThanOrEqual(0);
    expect(a.p90Pct).toBeGreaterThanOrEqual(a.p50Pct);
    expect(a.p90Pct).toBeLessThan(100);
    const other = runImprovementStudy({ pops: SUBSET, seed: 6, samples: 300 });
    expect(other).not.toEqual(a);
  });
});
