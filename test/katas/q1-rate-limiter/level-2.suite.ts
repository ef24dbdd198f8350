import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { admittedByKey, assertKeyIsolation, busiest, decideAll, example, windowScenario, type WindowScenario } from "./traffic.js";

interface Limiter {
  tryAcquire(key: string, nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Limiter;

// Exact cases: an admission exactly W ago has left the window; rejected requests do not count;
// prototype keys; keys that interleave out of time order; a realistic hour at 10⁴.
const EDGE_CASES = [
  example(1, 10, [["a", 0], ["a", 9], ["a", 10], ["a", 19], ["a", 20]]),
  example(1, 10, [["a", 0], ["a", 5], ["a", 10]]),
  example(2, 10, [["a", 0], ["a", 6], ["a", 9], ["a", 12], ["a", 16]]),
  example(1, 10, [["__proto__", 0], ["__proto__", 1], ["constructor", 0], ["toString", 0], ["a", 0]]),
  example(1, 10, [["a", 15], ["b", 5], ["a", 24], ["b", 14], ["a", 25], ["b", 15]]),
  example(10_000, 3_600_000, [
    ...Array.from({ length: 6_000 }, () => ["api-key", 1_700_000_000_000] as const),
    ...Array.from({ length: 4_001 }, () => ["api-key", 1_700_001_800_000] as const),
    ["api-key", 1_700_003_599_999],
    ...Array.from({ length: 6_001 }, () => ["api-key", 1_700_003_600_000] as const),
  ]),
];

/**
 * The sliding log, from its definition, on the implementation's own admissions: request i is
 * admitted iff fewer than `limit` of its key's admissions lie in (t − W, t]. Checks both
 * directions at once: no interval of length W holds more than `limit`, and no false reject.
 * Linear: each key's times never decrease, so the window's left edge only moves forward.
 */
function assertSlidingLog(s: WindowScenario, decisions: readonly boolean[]): void {
  const logs = new Map<string, { times: number[]; first: number }>();
  s.arrivals.forEach((a, i) => {
    const log = logs.get(a.key) ?? { times: [], first: 0 };
    logs.set(a.key, log);
    while (log.first < log.times.length && a.t - log.times[log.first]! >= s.windowMs) log.first++;
    const inWindow = log.times.length - log.first;
    const expected = inWindow < s.limit;
    if (decisions[i] !== expected) {
      throw new Error(
        `request #${i} (key ${JSON.stringify(a.key)}, ${a.t} ms): ${inWindow} admitted in (${a.t - s.windowMs}, ${a.t}] with limit ${s.limit}, ` +
          `so it must be ${expected ? "admitted" : "rejected"}; it was ${decisions[i] ? "admitted" : "rejected"}` +
          (inWindow > 0 ? ` (oldest in the window: ${log.times[log.first]} ms)` : ""),
      );
    }
    if (expected) log.times.push(a.t);
  });
}

export const suite = defineLevel<Make>({
  kata: "q1-rate-limiter",
  level: 2,
  load: (m) => {
    const Ctor = requireExport<new (o: { limit: number; windowMs: number }) => Limiter>(m, "SlidingLogLimiter", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => make({ limit: 1, windowMs: 10 }).tryAcquire("probe", 0),
  properties: [
    {
      name: "admits at most `limit` per key in every interval of length windowMs, aligned or not",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            for (const [key, times] of admittedByKey(s.arrivals, decideAll(make(s), s.arrivals))) {
              const worst = busiest(times, s.windowMs);
              if (worst.n > s.limit) {
                throw new Error(`key ${JSON.stringify(key)}: ${worst.n} admitted in [${worst.start}, ${worst.start + s.windowMs}) ms > limit ${s.limit}`);
              }
            }
          }),
          ctx,
          { numRuns: 150, examples: EDGE_CASES },
        ),
    },
    {
      name: "admits iff fewer than `limit` of the key's admissions lie in (t − windowMs, t] (no false rejects; rejected requests do not count)",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => assertSlidingLog(s, decideAll(make(s), s.arrivals))),
          ctx,
          { numRuns: 200, examples: EDGE_CASES },
        ),
    },
    {
      name: "decides each key as if it were alone (key isolation), and two limiters never share state",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            assertKeyIsolation(() => make(s), s.arrivals);
            // Two limiters side by side, fed the same stream alternately: each decides alone.
            const [a, b] = [make(s), make(s)];
            const alone = decideAll(make(s), s.arrivals);
            s.arrivals.forEach((x, i) => {
              const da = a.tryAcquire(x.key, x.t);
              const db = b.tryAcquire(x.key, x.t);
              if (da !== alone[i] || db !== alone[i]) throw new Error(`request #${i} (${x.t} ms): two limiters fed the same stream decided ${da}/${db}, one alone ${alone[i]}: instances share state`);
            });
          }),
          ctx,
          { numRuns: 100, examples: EDGE_CASES.slice(3, 5) },
        ),
    },
  ],
});
