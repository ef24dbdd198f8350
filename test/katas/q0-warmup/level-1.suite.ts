import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface Limiter {
  tryAcquire(nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Limiter;

/**
 * Traffic that breaks wrong limiters: integer-millisecond clocks, bursts (many requests at
 * the same instant) and times biased to window edges (0, 1, W-1 into a window). Uniform
 * random times almost never hit the edge cases.
 */
const scenario = fc
  .record({ limit: fc.integer({ min: 1, max: 5 }), windowMs: fc.integer({ min: 1, max: 50 }) })
  .chain(({ limit, windowMs }) =>
    fc.record({
      limit: fc.constant(limit),
      windowMs: fc.constant(windowMs),
      times: fc
        .array(
          fc.record({
            window: fc.integer({ min: 0, max: 6 }),
            offset: fc.oneof(fc.constantFrom(0, 1, windowMs - 1), fc.integer({ min: 0, max: windowMs - 1 })),
            burst: fc.integer({ min: 1, max: 8 }),
          }),
          { minLength: 1, maxLength: 25 },
        )
        .map((points) =>
          points
            .flatMap((p) => new Array<number>(p.burst).fill(p.window * windowMs + p.offset))
            .sort((a, b) => a - b),
        ),
    }),
  );

function decide(make: Make, s: { limit: number; windowMs: number; times: number[] }): boolean[] {
  const limiter = make({ limit: s.limit, windowMs: s.windowMs });
  return s.times.map((t) => limiter.tryAcquire(t));
}

export const suite = defineLevel<Make>({
  kata: "q0-warmup",
  level: 1,
  load: (m) => {
    const Ctor = requireExport<new (o: { limit: number; windowMs: number }) => Limiter>(m, "FixedWindowCounter", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => make({ limit: 1, windowMs: 10 }).tryAcquire(0),
  properties: [
    {
      name: "admits at most `limit` requests in every aligned window",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const admitted = new Map<number, number>();
            decide(make, s).forEach((ok, i) => {
              if (!ok) return;
              const w = Math.floor(s.times[i]! / s.windowMs);
              admitted.set(w, (admitted.get(w) ?? 0) + 1);
            });
            for (const [w, n] of admitted) if (n > s.limit) throw new Error(`window ${w} admitted ${n} > limit ${s.limit}`);
          }),
          ctx,
          { numRuns: 300 },
        ),
    },
    {
      name: "admits exactly the first `limit` requests of each window (the window resets, no false rejects)",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const decisions = decide(make, s);
            const seen = new Map<number, number>();
            s.times.forEach((t, i) => {
              const w = Math.floor(t / s.windowMs);
              const before = seen.get(w) ?? 0;
              seen.set(w, before + 1);
              const expected = before < s.limit;
              if (decisions[i] !== expected) {
                throw new Error(`request #${i} at ${t} ms (window ${w}, ${before} before it): expected ${expected ? "admit" : "reject"}`);
              }
            });
          }),
          ctx,
          { numRuns: 300 },
        ),
    },
    {
      name: "keeps separate limiters independent",
      run: (make, ctx) =>
        check(
          fc.property(scenario, scenario, (a, b) => {
            const alone = decide(make, b);
            const la = make({ limit: a.limit, windowMs: a.windowMs });
            a.times.forEach((t) => la.tryAcquire(t));
            const again = decide(make, b);
            if (alone.join() !== again.join()) throw new Error("a limiter's decisions changed after another limiter was used");
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
