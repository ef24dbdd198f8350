import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { modelEstimate } from "./sliding-counter-model.js";
import { admittedByKey, assertKeyIsolation, decideAll, windowScenario } from "./traffic.js";

interface Counter {
  estimate(key: string, nowMs: number): number;
  tryAcquire(key: string, nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Counter;

/** Most admissions of one key in any interval [start, start + span). */
function busiest(times: readonly number[], span: number): { n: number; start: number } {
  let best = { n: 0, start: 0 };
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    while (i + n < times.length && times[i + n]! - times[i]! < span) n++;
    if (n > best.n) best = { n, start: times[i]! };
  }
  return best;
}

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
          fc.property(windowScenario({ windowMsMax: 30 }), (s) => {
            const counter = make(s);
            const admitted = new Map<string, number[]>();
            s.arrivals.forEach((a, i) => {
              const mine = admitted.get(a.key) ?? [];
              admitted.set(a.key, mine);
              const expected = modelEstimate(mine, a.t, s.windowMs);
              const got = counter.estimate(a.key, a.t);
              if (!(Math.abs(got - expected) <= 1e-9)) {
                throw new Error(`request #${i} (key ${a.key}, ${a.t} ms): estimate ${got}, expected ${expected} (admitted so far: ${mine.join(",") || "none"})`);
              }
              const ok = counter.tryAcquire(a.key, a.t);
              if (ok !== expected < s.limit) {
                throw new Error(`request #${i} (key ${a.key}, ${a.t} ms): estimate ${expected} vs limit ${s.limit}, expected ${expected < s.limit ? "admit" : "reject"}`);
              }
              if (ok) mine.push(a.t);
            });
          }),
          ctx,
          { numRuns: 200 },
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
              for (const [w, n] of perWindow) if (n > s.limit) throw new Error(`key ${key}: aligned window ${w} admitted ${n} > limit ${s.limit}`);
              const worst = busiest(times, s.windowMs);
              if (worst.n > 2 * s.limit) throw new Error(`key ${key}: ${worst.n} admitted from ${worst.start} ms within ${s.windowMs} ms > 2·limit`);
            }
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "decides each key as if it were alone (key isolation)",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => assertKeyIsolation(() => make(s), s.arrivals)),
          ctx,
          { numRuns: 150 },
        ),
    },
  ],
});
