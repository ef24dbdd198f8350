import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { admittedByKey, assertKeyIsolation, decideAll, windowScenario } from "./traffic.js";

interface Limiter {
  tryAcquire(key: string, nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Limiter;

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
              // The busiest interval [start, start + W) starts at an admitted time.
              for (let i = 0; i < times.length; i++) {
                let n = 0;
                while (i + n < times.length && times[i + n]! - times[i]! < s.windowMs) n++;
                if (n > s.limit) {
                  throw new Error(`key ${key}: ${n} admitted in [${times[i]}, ${times[i]! + s.windowMs}) ms > limit ${s.limit} (admitted: ${times.join(",")})`);
                }
              }
            }
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
    {
      name: "rejects a request only if admitting it would put limit + 1 in some window (no false rejects)",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            const decisions = decideAll(make(s), s.arrivals);
            const admitted = new Map<string, number[]>();
            s.arrivals.forEach((a, i) => {
              const mine = admitted.get(a.key) ?? [];
              admitted.set(a.key, mine);
              if (decisions[i]) {
                mine.push(a.t);
                return;
              }
              const inWindow = mine.filter((x) => a.t - x < s.windowMs).length;
              if (inWindow < s.limit) {
                throw new Error(`request #${i} (key ${a.key}, ${a.t} ms) rejected with only ${inWindow} admitted in (${a.t - s.windowMs}, ${a.t}] < limit ${s.limit}`);
              }
            });
          }),
          ctx,
          { numRuns: 200 },
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
