import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { modelDecisions } from "./token-bucket-model.js";
import { admittedByKey, burstyArrivals, KEYS, type Arrival } from "./traffic.js";

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
  arrivals: Arrival[];
}

/** Bursts biased to multiples of the period, spanning a few bursts' worth and (sometimes) whole seconds. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({ burst: fc.integer({ min: 1, max: 4 }), periodMs: fc.integer({ min: 1, max: 40 }), spread: fc.integer({ min: 1, max: 6 }) })
  .chain(({ burst, periodMs, spread }) =>
    burstyArrivals(periodMs * spread, { windows: 8 }).map((arrivals) => ({ burst, periodMs, arrivals })),
  );

/** One key whose clock sometimes jumps backwards by up to a few periods. */
const jumpyClock = scenario.chain((s) =>
  fc
    .array(fc.integer({ min: 0, max: 4 * s.periodMs }), { minLength: s.arrivals.length, maxLength: s.arrivals.length })
    .map((back) => ({ ...s, times: s.arrivals.map((a, i) => Math.max(0, a.t - (i % 3 === 2 ? back[i]! : 0))) })),
);

const both = (impl: Impl): Array<[string, Ctor]> => [
  ["TokenBucket", impl.TokenBucket],
  ["Gcra", impl.Gcra],
];

export const suite = defineLevel<Impl>({
  kata: "q1-rate-limiter",
  level: 4,
  load: (m) => ({ TokenBucket: requireExport<Ctor>(m, "TokenBucket", "class"), Gcra: requireExport<Ctor>(m, "Gcra", "class") }),
  probe: (impl) => [new impl.TokenBucket({ burst: 1, periodMs: 10 }).tryAcquire("p", 0), new impl.Gcra({ burst: 1, periodMs: 10 }).tryAcquire("p", 0)],
  properties: [
    {
      name: "any admitted aᵢ ≤ aⱼ of a key satisfy j − i + 1 ≤ B + ⌊(aⱼ − aᵢ)/T⌋ (TokenBucket and Gcra)",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [name, C] of both(impl)) {
              const limiter = new C(s);
              const decisions = s.arrivals.map((a) => limiter.tryAcquire(a.key, a.t).allowed);
              for (const [key, times] of admittedByKey(s.arrivals, decisions)) {
                for (let i = 0; i < times.length; i++) {
                  for (let j = i; j < times.length; j++) {
                    const allowed = s.burst + Math.floor((times[j]! - times[i]!) / s.periodMs);
                    if (j - i + 1 > allowed) {
                      throw new Error(`${name}, key ${key}: ${j - i + 1} admitted in [${times[i]}, ${times[j]}] ms > B + ⌊Δ/T⌋ = ${allowed}`);
                    }
                  }
                }
              }
            }
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "TokenBucket and Gcra (τ = (B − 1)·T) both make exactly the token bucket's decisions",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const tb = new impl.TokenBucket(s);
            const gcra = new impl.Gcra(s);
            const got = s.arrivals.map((a) => [tb.tryAcquire(a.key, a.t).allowed, gcra.tryAcquire(a.key, a.t).allowed] as const);
            for (const key of KEYS) {
              const idx = s.arrivals.flatMap((a, i) => (a.key === key ? [i] : []));
              const expected = modelDecisions(idx.map((i) => s.arrivals[i]!.t), s.burst, s.periodMs);
              idx.forEach((i, n) => {
                const [a, b] = got[i]!;
                if (a !== expected[n] || b !== expected[n]) {
                  throw new Error(`request #${i} (key ${key}, ${s.arrivals[i]!.t} ms): token bucket model says ${expected[n] ? "admit" : "reject"}; TokenBucket ${a ? "admits" : "rejects"}, Gcra ${b ? "admits" : "rejects"}`);
                }
              });
            }
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
    {
      name: "retryAfterMs is exact: retrying after it is admitted, one millisecond earlier is not",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [name, C] of both(impl)) {
              const replay = (upTo: number): Limiter => {
                const l = new C(s);
                for (let i = 0; i <= upTo; i++) l.tryAcquire(s.arrivals[i]!.key, s.arrivals[i]!.t);
                return l;
              };
              const limiter = new C(s);
              let checked = 0;
              for (let i = 0; i < s.arrivals.length && checked < 4; i++) {
                const { key, t } = s.arrivals[i]!;
                const d = limiter.tryAcquire(key, t);
                if (d.allowed) {
                  if (d.retryAfterMs !== 0) throw new Error(`${name}: request #${i} admitted with retryAfterMs ${d.retryAfterMs} (must be 0)`);
                  continue;
                }
                checked++;
                if (!Number.isInteger(d.retryAfterMs) || d.retryAfterMs < 1) throw new Error(`${name}: request #${i} rejected with retryAfterMs ${d.retryAfterMs}; expected a whole number ≥ 1`);
                if (!replay(i).tryAcquire(key, t + d.retryAfterMs).allowed) {
                  throw new Error(`${name}: request #${i} (key ${key}, ${t} ms) said retry after ${d.retryAfterMs} ms, but a retry at ${t + d.retryAfterMs} ms is rejected`);
                }
                if (replay(i).tryAcquire(key, t + d.retryAfterMs - 1).allowed) {
                  throw new Error(`${name}: request #${i} (key ${key}, ${t} ms) said retry after ${d.retryAfterMs} ms, but a retry 1 ms earlier is already admitted`);
                }
              }
            }
          }),
          ctx,
          { numRuns: 120 },
        ),
    },
    {
      name: "a clock that jumps backwards is clamped to the latest time seen (never admits more)",
      run: (impl, ctx) =>
        check(
          fc.property(jumpyClock, (s) => {
            let max = Number.NEGATIVE_INFINITY;
            const clamped = s.times.map((t) => (max = Math.max(max, t)));
            for (const [name, C] of both(impl)) {
              const jumpy = new C(s);
              const steady = new C(s);
              s.times.forEach((t, i) => {
                const a = jumpy.tryAcquire("k", t).allowed;
                const b = steady.tryAcquire("k", clamped[i]!).allowed;
                if (a !== b) throw new Error(`${name}: request #${i} at ${t} ms (latest seen ${clamped[i]} ms) ${a ? "admitted" : "rejected"}, but ${b ? "admitted" : "rejected"} at the clamped time (times: ${s.times.join(",")})`);
              });
            }
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "decides each key as if it were alone (key isolation)",
      run: (impl, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [name, C] of both(impl)) {
              const mixed = new C(s);
              const together = s.arrivals.map((a) => mixed.tryAcquire(a.key, a.t));
              for (const key of KEYS) {
                const alone = new C(s);
                s.arrivals.forEach((a, i) => {
                  if (a.key !== key) return;
                  const d = alone.tryAcquire(key, a.t);
                  if (d.allowed !== together[i]!.allowed || d.retryAfterMs !== together[i]!.retryAfterMs) {
                    throw new Error(`${name}, key ${key}: request #${i} at ${a.t} ms decided differently among other keys`);
                  }
                });
              }
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
