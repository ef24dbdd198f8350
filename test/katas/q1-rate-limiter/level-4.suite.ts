import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { modelDecisions, type ModelDecision } from "./token-bucket-model.js";
import { baseMsArb, burstyArrivals, limitArb, printAs, showArrival, showRuns, type Arrival } from "./traffic.js";

interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}
interface Limiter {
  tryAcquire(key: string, nowMs: number): RateDecision;
}
interface BucketOptions {
  burst: number;
  periodMs: number;
}
type Ctor = new (o: BucketOptions) => Limiter;
interface Impl {
  TokenBucket: Ctor;
  Gcra: Ctor;
}

interface Scenario extends BucketOptions {
  /** Per key, times may jump backwards (a clock that is not monotonic); keys interleave in any order. */
  arrivals: Arrival[];
}

/** Prints a burst of 10⁴ requests at one instant as one run in a counter-example. */
const printScenario = (s: Scenario): Scenario =>
  printAs(s, (v) => `{ burst: ${v.burst}, periodMs: ${v.periodMs}, arrivals (key@ms): ${showRuns(v.arrivals, showArrival)} }`);

/** Periods from 1 ms to an hour; 7 and 10 make float token fractions (1/7, 1/10) round. */
const periodMsArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 7, 10, 1_000, 60_000, 3_600_000) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3_600_000 }) },
);

/**
 * Bursts of about B requests biased to multiples of the period, spanning a few bursts' worth,
 * plus (sometimes) a trickle of one request every 1–3 ms, whose refills add up to a token only
 * after many small steps, and (sometimes) clocks that jump back by up to a few periods.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({ burst: limitArb(), periodMs: periodMsArb, spread: fc.integer({ min: 1, max: 6 }), baseMs: baseMsArb() })
  .chain(({ burst, periodMs, spread, baseMs }) =>
    fc
      .tuple(
        burstyArrivals(periodMs * spread, { limit: burst, windows: 8, baseMs }),
        fc.option(fc.record({ stepMs: fc.integer({ min: 1, max: 3 }), count: fc.integer({ min: 2, max: 40 }) }), { freq: 2 }),
        fc.option(fc.infiniteStream(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 * periodMs }) })), { freq: 2 }),
      )
      .map(([bursts, trickle, back]) => {
        const arrivals = [...bursts];
        if (trickle !== null) {
          const start = bursts[bursts.length - 1]!.t;
          for (let i = 0; i < trickle.count; i++) arrivals.push({ key: "trickle", t: start + i * trickle.stepMs });
        }
        if (back === null) return printScenario({ burst, periodMs, arrivals });
        const it = back[Symbol.iterator]();
        return printScenario({ burst, periodMs, arrivals: arrivals.map((a) => ({ key: a.key, t: Math.max(0, a.t - (it.next().value as number)) })) });
      }),
  );

/** The model's decisions, per arrival, with each key's stream decided on its own. */
function expected(s: Scenario): ModelDecision[] {
  const out: ModelDecision[] = new Array<ModelDecision>(s.arrivals.length);
  const byKey = new Map<string, number[]>();
  s.arrivals.forEach((a, i) => {
    const idx = byKey.get(a.key) ?? [];
    idx.push(i);
    byKey.set(a.key, idx);
  });
  for (const idx of byKey.values()) {
    const decisions = modelDecisions(idx.map((i) => s.arrivals[i]!.t), s.burst, s.periodMs);
    idx.forEach((i, n) => (out[i] = decisions[n]!));
  }
  return out;
}

const both = (impl: Impl): Array<[string, Ctor]> => [
  ["TokenBucket", impl.TokenBucket],
  ["Gcra", impl.Gcra],
];

const show = (d: RateDecision): string => (d.allowed ? "admitted" : `rejected, retry after ${d.retryAfterMs} ms`);

const ex = (burst: number, periodMs: number, arrivals: ReadonlyArray<readonly [string, number]>): [Scenario] => [
  printScenario({ burst, periodMs, arrivals: arrivals.map(([key, t]) => ({ key, t })) }),
];
const repeat = (n: number, key: string, t: number): Array<readonly [string, number]> => Array.from({ length: n }, () => [key, t] as const);

// Exact cases: refills of 1/10 token that must add up to exactly one; τ = (B − 1)·T; the retry
// is when ONE token is back; clocks clamped per key (not per limiter); the refill is capped;
// prototype keys; a backwards jump and the retry measured from the clamped time; a wait that
// is not whole seconds; 10⁴ per hour.
const EDGE_CASES: Array<[Scenario]> = [
  ex(1, 10, [["k", 0], ...Array.from({ length: 10 }, (_, i) => ["k", i + 1] as const)]),
  ex(1, 10, [["k", 0], ["k", 0], ["k", 9], ["k", 10]]),
  ex(2, 10, [["k", 0], ["k", 0], ["k", 0], ["k", 9], ["k", 10], ["k", 10]]),
  ex(1, 10, [["b", 0], ["a", 100], ["b", 5], ["a", 101], ["b", 10]]),
  ex(1, 10, [["k", 0], ["k", 5], ["k", 0], ["k", 5], ["k", 3], ["k", 10]]),
  ex(2, 10, [["k", 0], ["k", 0], ["k", 1_000], ["k", 1_000], ["k", 1_000]]),
  ex(1, 10, [["__proto__", 0], ["__proto__", 0], ["constructor", 0], ["constructor", 0], ["toString", 0], ["toString", 1]]),
  ex(1, 1_500, [["k", 0], ["k", 1], ["k", 999], ["k", 1_000], ["k", 1_499], ["k", 1_500]]),
  ex(10_000, 360, [
    ...repeat(10_001, "api-key", 1_700_000_000_000),
    ["api-key", 1_700_000_000_359],
    ["api-key", 1_700_000_000_360],
    ["api-key", 1_700_000_000_360],
    ...repeat(10_001, "api-key", 1_700_003_600_360),
  ]),
];

export const suite = defineLevel<Impl>({
  kata: "q1-rate-limiter",
  level: 4,
  load: (m) => ({ TokenBucket: requireExport<Ctor>(m, "TokenBucket", "class"), Gcra: requireExport<Ctor>(m, "Gcra", "class") }),
  probe: (impl) => [new impl.TokenBucket({ burst: 1, periodMs: 10 }).tryAcquire("p", 0), new impl.Gcra({ burst: 1, periodMs: 10 }).tryAcquire("p", 0)],
  properties: [
    {
      name: "TokenBucket and Gcra (τ = (B − 1)·T) both make exactly the token bucket's decisions and retryAfterMs, each key's clock clamped to its latest time",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const want = expected(s);
            for (const [name, C] of both(impl)) {
              const limiter = new C(s);
              s.arrivals.forEach((a, i) => {
                const got = limiter.tryAcquire(a.key, a.t);
                const w = want[i]!;
                if (got.allowed !== w.allowed || got.retryAfterMs !== w.retryAfterMs) {
                  const clamp = w.atMs !== a.t ? ` (its key's latest time is ${w.atMs} ms)` : "";
                  throw new Error(`${name}, request #${i} (key ${JSON.stringify(a.key)}, ${a.t} ms${clamp}, B ${s.burst}, T ${s.periodMs} ms): the token bucket is ${show(w)}; got ${show(got)}`);
                }
              });
            }
          }),
          ctx,
          { numRuns: 200, examples: EDGE_CASES },
        ),
    },
    {
      name: "retryAfterMs is exact: retrying after it (from the clamped time) is admitted, one millisecond earlier is not; 0 when allowed",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const want = expected(s);
            for (const [name, C] of both(impl)) {
              const replay = (upTo: number): Limiter => {
                const l = new C(s);
                for (let i = 0; i <= upTo; i++) l.tryAcquire(s.arrivals[i]!.key, s.arrivals[i]!.t);
                return l;
              };
              const limiter = new C(s);
              let checked = 0;
              for (let i = 0; i < s.arrivals.length && checked < 3; i++) {
                const { key, t } = s.arrivals[i]!;
                const d = limiter.tryAcquire(key, t);
                if (d.allowed) {
                  if (d.retryAfterMs !== 0) throw new Error(`${name}: request #${i} admitted with retryAfterMs ${d.retryAfterMs} (must be 0)`);
                  continue;
                }
                checked++;
                if (!Number.isInteger(d.retryAfterMs) || d.retryAfterMs < 1) throw new Error(`${name}: request #${i} rejected with retryAfterMs ${d.retryAfterMs}; expected a whole number ≥ 1`);
                const at = want[i]!.atMs;
                const from = at !== t ? ` (clamped to ${at} ms)` : "";
                if (!replay(i).tryAcquire(key, at + d.retryAfterMs).allowed) {
                  throw new Error(`${name}: request #${i} (key ${JSON.stringify(key)}, ${t} ms${from}) said retry after ${d.retryAfterMs} ms, but a retry at ${at + d.retryAfterMs} ms is rejected`);
                }
                if (replay(i).tryAcquire(key, at + d.retryAfterMs - 1).allowed) {
                  throw new Error(`${name}: request #${i} (key ${JSON.stringify(key)}, ${t} ms${from}) said retry after ${d.retryAfterMs} ms, but a retry 1 ms earlier is already admitted`);
                }
              }
            }
          }),
          ctx,
          { numRuns: 100, examples: EDGE_CASES.slice(1, 5) },
        ),
    },
    {
      name: "any admitted aᵢ ≤ aⱼ of a key satisfy j − i + 1 ≤ B + ⌊(aⱼ − aᵢ)/T⌋ (times as clamped)",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const want = expected(s);
            for (const [name, C] of both(impl)) {
              const limiter = new C(s);
              const admitted = new Map<string, number[]>();
              s.arrivals.forEach((a, i) => {
                if (!limiter.tryAcquire(a.key, a.t).allowed) return;
                const times = admitted.get(a.key) ?? [];
                times.push(want[i]!.atMs);
                admitted.set(a.key, times);
              });
              for (const [key, times] of admitted) {
                for (let i = 0; i < times.length; i++) {
                  // Pairs within 50 admissions of each other: linear for 10⁴ admissions.
                  for (let j = i; j < Math.min(times.length, i + 50); j++) {
                    const allowed = s.burst + Math.floor((times[j]! - times[i]!) / s.periodMs);
                    if (j - i + 1 > allowed) {
                      throw new Error(`${name}, key ${JSON.stringify(key)}: ${j - i + 1} admitted in [${times[i]}, ${times[j]}] ms > B + ⌊Δ/T⌋ = ${allowed}`);
                    }
                  }
                }
              }
            }
          }),
          ctx,
          { numRuns: 80 },
        ),
    },
    {
      name: "decides each key as if it were alone (key isolation), and two limiters never share state",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [name, C] of both(impl)) {
              const mixed = new C(s);
              const twin = new C(s);
              const together = s.arrivals.map((a) => mixed.tryAcquire(a.key, a.t));
              const alone = new Map<string, Limiter>();
              s.arrivals.forEach((a, i) => {
                const own = alone.get(a.key) ?? new C(s);
                alone.set(a.key, own);
                const d = own.tryAcquire(a.key, a.t);
                const t = twin.tryAcquire(a.key, a.t);
                if (d.allowed !== together[i]!.allowed || d.retryAfterMs !== together[i]!.retryAfterMs) {
                  throw new Error(`${name}, key ${JSON.stringify(a.key)}: request #${i} at ${a.t} ms is ${show(together[i]!)} among other keys, ${show(d)} alone`);
                }
                if (t.allowed !== d.allowed || t.retryAfterMs !== d.retryAfterMs) {
                  throw new Error(`${name}: request #${i} at ${a.t} ms is ${show(t)} by a second limiter replaying the stream, ${show(d)} by a fresh one: limiters share state`);
                }
              });
            }
          }),
          ctx,
          { numRuns: 80, examples: [EDGE_CASES[3]!, EDGE_CASES[6]!] },
        ),
    },
  ],
});
