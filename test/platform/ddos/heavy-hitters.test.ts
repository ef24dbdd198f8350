import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "../../../src/sim/index.js";
import { CountMinSketch, SpaceSaving } from "../../../src/ddos/index.js";

/** A Zipf(s) sampler over keys k0..k(n-1): rank r has weight 1 / (r + 1)^s. */
function zipfStream(rng: Rng, keys: number, s: number, length: number): string[] {
  const cdf: number[] = [];
  let total = 0;
  for (let r = 0; r < keys; r++) cdf.push((total += 1 / (r + 1) ** s));
  return Array.from({ length }, () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return `k${lo}`;
  });
}

function exactCounts(stream: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of stream) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

describe("CountMinSketch", () => {
  it("sizes itself from epsilon and delta", () => {
    const sketch = new CountMinSketch({ epsilon: 0.01, delta: 0.01, rng: new Rng(1) });
    expect(sketch.width).toBe(Math.ceil(Math.E / 0.01));
    expect(sketch.depth).toBe(Math.ceil(Math.log(100)));
    expect(() => new CountMinSketch({ epsilon: 0, delta: 0.1, rng: new Rng(1) })).toThrow(expect.objectContaining({ code: "DDOS_SKETCH_PARAMS" }));
  });

  it("never underestimates a count", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 5 })), { maxLength: 400 }), fc.integer(), (adds, seed) => {
        const sketch = new CountMinSketch({ epsilon: 0.05, delta: 0.1, rng: new Rng(seed) });
        const exact = new Map<string, number>();
        for (const [k, n] of adds) {
          sketch.add(`k${k}`, n);
          exact.set(`k${k}`, (exact.get(`k${k}`) ?? 0) + n);
        }
        for (const [key, count] of exact) expect(sketch.estimate(key)).toBeGreaterThanOrEqual(count);
        expect(sketch.total).toBe(adds.reduce((sum, [, n]) => sum + n, 0));
      }),
      { numRuns: 100 },
    );
  });

  it("overestimates by more than epsilon·N for at most a delta share of queries across seeds", () => {
    const epsilon = 0.01;
    const delta = 0.05;
    let queries = 0;
    let violations = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const stream = zipfStream(new Rng(seed).fork("stream"), 2000, 0.8, 10_000);
      const sketch = new CountMinSketch({ epsilon, delta, rng: new Rng(seed) });
      for (const key of stream) sketch.add(key);
      for (const [key, count] of exactCounts(stream)) {
        queries++;
        if (sketch.estimate(key) - count > epsilon * stream.length) violations++;
      }
    }
    expect(queries).toBeGreaterThan(10_000);
    expect(violations / queries).toBeLessThanOrEqual(delta);
  });
});

describe("SpaceSaving", () => {
  it("gives a newcomer the evicted minimum plus one, and records that as its error", () => {
    const top = new SpaceSaving(2);
    for (const key of ["a", "a", "a", "b", "b", "c"]) top.add(key);
    expect(top.top()).toEqual([
      { key: "a", count: 3, error: 0 },
      { key: "c", count: 3, error: 2 },
    ]);
    expect(top.estimate("b")).toBe(3);
  });

  it("bounds every tracked count: count − error ≤ true count ≤ count", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 300 }), fc.integer({ min: 1, max: 10 }), (keys, capacity) => {
        const top = new SpaceSaving(capacity);
        const stream = keys.map((k) => `k${k}`);
        for (const key of stream) top.add(key);
        const exact = exactCounts(stream);
        for (const { key, count, error } of top.top()) {
          expect(count).toBeGreaterThanOrEqual(exact.get(key) ?? 0);
          expect(count - error).toBeLessThanOrEqual(exact.get(key) ?? 0);
        }
        for (const [key, count] of exact) expect(top.estimate(key)).toBeGreaterThanOrEqual(count);
      }),
      { numRuns: 200 },
    );
  });

  it("recalls the true top 10 of Zipf streams with 50 counters", () => {
    let found = 0;
    let wanted = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const stream = zipfStream(new Rng(seed), 5000, 1.1, 10_000);
      const top = new SpaceSaving(50);
      for (const key of stream) top.add(key);
      const truth = [...exactCounts(stream).entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k]) => k);
      const reported = new Set(top.top(10).map((h) => h.key));
      wanted += truth.length;
      found += truth.filter((k) => reported.has(k)).length;
    }
    expect(found / wanted).toBeGreaterThanOrEqual(0.9);
  });
});
