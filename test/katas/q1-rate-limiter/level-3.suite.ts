import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { SlidingCounterModel } from "./sliding-counter-model.js";
import { admittedByKey, assertKeyIsolation, busiest, decideAll, example, windowScenario } from "./traffic.js";

interface Counter {
  estimate(key: string, nowMs: number): number;
  tryAcquire(key: string, nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Counter;

// Exact cases: `previous` is window k − 1 by index, even 19 ms after a request at 0 (W = 10);
// two windows on, it is 0; t counts from the aligned start; rejected requests do not count;
// prototype keys; keys out of time order; an hour-long window at 10⁴ whose integer comparison
// needs more than 32 bits (previous · (W − t) ≈ 10⁴ · 3.6·10⁶).
const EDGE_CASES = [
  example(1, 10, [["a", 0], ["a", 19], ["a", 19]]),
  example(2, 10, [["a", 8], ["a", 9], ["a", 20], ["a", 20], ["a", 29]]),
  example(1, 10, [["a", 9], ["a", 10], ["a", 15], ["a", 19]]),
  example(1, 10, [["a", 0], ["a", 1], ["a", 2], ["a", 15]]),
  example(3, 10, [["a", 9], ["a", 9], ["a", 12], ["a", 17], ["a", 18]]),
  example(1, 10, [["__proto__", 0], ["__proto__", 1], ["constructor", 0], ["constructor", 1], ["toString", 2], ["toString", 12]]),
  example(2, 10, [["a", 15], ["b", 5], ["b", 6], ["a", 16], ["b", 15], ["a", 25]]),
  example(10_000, 3_600_000, [
    ...Array.from({ length: 10_000 }, () => ["api-key", 1_699_999_200_000] as const),
    ["api-key", 1_700_002_800_000],
    ["api-key", 1_700_004_600_000],
    ["api-key", 1_700_006_399_999],
  ]),
];

export const suite = defineLevel<Make>({
  kata: "q1-rate-limiter",
  level: 3,
  load: (m) => {
    const Ctor = requireExport<new (o: { limit: number; windowMs: number }) => Counter>(m, "SlidingWindowCounter", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => make({ limit: 1, windowMs: 10 }).tryAcquire("probe", 0),
  properties: [
    {
      name: "estimate equals previous·(W − t)/W + current, and a request is admitted iff the estimate is below the limit",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            const counter = make(s);
            const model = new SlidingCounterModel(s.windowMs);
            s.arrivals.forEach((a, i) => {
              const expected = model.estimate(a.key, a.t);
              const got = counter.estimate(a.key, a.t);
              // Either order of the float operations is accepted; only rounding may differ.
              if (!(Math.abs(got - expected) <= 1e-9 * Math.max(1, expected))) {
                throw new Error(`request #${i} (key ${JSON.stringify(a.key)}, ${a.t} ms): estimate ${got}, expected ${expected} (${model.describe(a.key, a.t)})`);
              }
              const ok = counter.tryAcquire(a.key, a.t);
              if (ok !== expected < s.limit) {
                throw new Error(`request #${i} (key ${JSON.stringify(a.key)}, ${a.t} ms): estimate ${expected} vs limit ${s.limit}, expected ${expected < s.limit ? "admit" : "reject"} (${model.describe(a.key, a.t)})`);
              }
              if (ok) model.admit(a.key, a.t);
            });
          }),
          ctx,
          { numRuns: 200, examples: EDGE_CASES },
        ),
    },
    {
      name: "admits at most `limit` per aligned window and at most 2·limit per sliding window",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            for (const [key, times] of admittedByKey(s.arrivals, decideAll(make(s), s.arrivals))) {
              const perWindow = new Map<number, number>();
              for (const t of times) perWindow.set(Math.floor(t / s.windowMs), (perWindow.get(Math.floor(t / s.windowMs)) ?? 0) + 1);
              for (const [w, n] of perWindow) if (n > s.limit) throw new Error(`key ${JSON.stringify(key)}: aligned window ${w} admitted ${n} > limit ${s.limit}`);
              const worst = busiest(times, s.windowMs);
              if (worst.n > 2 * s.limit) throw new Error(`key ${JSON.stringify(key)}: ${worst.n} admitted from ${worst.start} ms within ${s.windowMs} ms > 2·limit`);
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
    {
      name: "decides each key as if it were alone (key isolation), and two counters never share state",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            assertKeyIsolation(() => make(s), s.arrivals);
            const [a, b] = [make(s), make(s)];
            const alone = decideAll(make(s), s.arrivals);
            s.arrivals.forEach((x, i) => {
              const da = a.tryAcquire(x.key, x.t);
              const db = b.tryAcquire(x.key, x.t);
              if (da !== alone[i] || db !== alone[i]) throw new Error(`request #${i} (${x.t} ms): two counters fed the same stream decided ${da}/${db}, one alone ${alone[i]}: instances share state`);
            });
          }),
          ctx,
          { numRuns: 100, examples: EDGE_CASES.slice(5, 7) },
        ),
    },
  ],
});
