import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
// The warm-up's traffic is Q1's, with one client: one generator of bursty edge-biased streams.
import { baseMsArb, burstyArrivals, limitArb, printAs, showRuns, windowMsArb } from "../q1-rate-limiter/traffic.js";

interface Limiter {
  tryAcquire(nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Limiter;

interface Scenario {
  limit: number;
  windowMs: number;
  /** Never decreasing. */
  times: number[];
}

/**
 * Traffic that breaks wrong limiters: bursts of about `limit` requests at one instant, times
 * biased to window edges (0, 1, W − 1, W − 2, W/2 into a window), idle gaps of many windows,
 * limits up to 10⁴, windows from 1 ms to a day, and epoch-like clocks.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({ limit: limitArb(), windowMs: windowMsArb(), baseMs: baseMsArb() })
  .chain(({ limit, windowMs, baseMs }) =>
    burstyArrivals(windowMs, { limit, baseMs, keys: ["client"] }).map((arrivals) => printScenario({ limit, windowMs, times: arrivals.map((a) => a.t) })),
  );

/** Prints a burst of 10⁴ requests at one instant as one run (`1700000000000 ×10001`). */
function printScenario(s: Scenario): Scenario {
  return printAs(s, (v) => `{ limit: ${v.limit}, windowMs: ${v.windowMs}, times: ${showRuns(v.times, String)} }`);
}

/** The definition: the first `limit` requests of each aligned window are admitted. */
function assertFixedWindow(s: Scenario, decisions: readonly boolean[], label = ""): void {
  const seen = new Map<number, number>();
  s.times.forEach((t, i) => {
    const w = Math.floor(t / s.windowMs);
    const before = seen.get(w) ?? 0;
    seen.set(w, before + 1);
    const expected = before < s.limit;
    if (decisions[i] !== expected) {
      throw new Error(
        `${label}request #${i} at ${t} ms (aligned window ${w} = [${w * s.windowMs}, ${(w + 1) * s.windowMs}), ${before} earlier request(s) in it, limit ${s.limit}): ` +
          `expected ${expected ? "admit" : "reject"}, got ${decisions[i] ? "admit" : "reject"}`,
      );
    }
  });
}

const ex = (limit: number, windowMs: number, times: number[]): [Scenario] => [printScenario({ limit, windowMs, times })];

// Exact cases: the next window starts exactly at W (not at W + 1); 0.5·W is still window 0; windows are aligned to k·W,
// not to the first request; the limit-th request is the last admitted; an idle gap of several
// windows; a realistic hour at 10⁴ per hour with an epoch clock.
const EDGE_CASES: Array<[Scenario]> = [
  ex(1, 10, [9, 10, 10]),
  ex(1, 10, [0, 5]),
  ex(1, 10, [5, 12, 19, 20]),
  ex(2, 10, [0, 0, 0, 10, 10, 10]),
  ex(1, 10, [0, 30, 31]),
  ex(10_000, 3_600_000, [...new Array<number>(10_001).fill(1_700_000_000_000), 1_700_002_799_999, 1_700_002_800_000]),
];

function decide(make: Make, s: Scenario): boolean[] {
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
          { numRuns: 150, examples: EDGE_CASES },
        ),
    },
    {
      name: "admits exactly the first `limit` requests of each window (the window resets, no false rejects)",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => assertFixedWindow(s, decide(make, s))),
          ctx,
          { numRuns: 200, examples: EDGE_CASES },
        ),
    },
    {
      name: "keeps two limiters side by side independent (each with its own clock, interleaved)",
      run: (make, ctx) =>
        check(
          fc.property(scenario, scenario, fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), (a, b, picks) => {
            const la = make({ limit: a.limit, windowMs: a.windowMs });
            const lb = make({ limit: b.limit, windowMs: b.windowMs });
            const got = { a: [] as boolean[], b: [] as boolean[] };
            let i = 0;
            let j = 0;
            for (let n = 0; i < a.times.length || j < b.times.length; n++) {
              const takeA = j >= b.times.length || (i < a.times.length && picks[n % picks.length]!);
              if (takeA) got.a.push(la.tryAcquire(a.times[i++]!));
              else got.b.push(lb.tryAcquire(b.times[j++]!));
            }
            assertFixedWindow(a, got.a, "first limiter: ");
            assertFixedWindow(b, got.b, "second limiter: ");
          }),
          ctx,
          { numRuns: 100, examples: [[EDGE_CASES[0]![0], EDGE_CASES[0]![0], [true, false]]] },
        ),
    },
  ],
});
