import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { assertKeyIsolation, decideAll, windowScenario, type WindowScenario } from "./traffic.js";

interface Limiter {
  tryAcquire(key: string, nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Limiter;

const run = (make: Make, s: WindowScenario): boolean[] => decideAll(make(s), s.arrivals);

export const suite = defineLevel<Make>({
  kata: "q1-rate-limiter",
  level: 1,
  load: (m) => {
    const Ctor = requireExport<new (o: { limit: number; windowMs: number }) => Limiter>(m, "FixedWindowLimiter", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => make({ limit: 1, windowMs: 10 }).tryAcquire("probe", 0),
  properties: [
    {
      name: "admits at most `limit` requests per key in every aligned window",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            const admitted = new Map<string, number>();
            run(make, s).forEach((ok, i) => {
              if (!ok) return;
              const a = s.arrivals[i]!;
              const cell = `${a.key}@${Math.floor(a.t / s.windowMs)}`;
              const n = (admitted.get(cell) ?? 0) + 1;
              admitted.set(cell, n);
              if (n > s.limit) throw new Error(`key ${a.key}, window ${cell}: request at ${a.t} ms is admission #${n} > limit ${s.limit}`);
            });
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
    {
      name: "admits exactly the first `limit` requests of each key's window (the window resets, no false rejects)",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => {
            const decisions = run(make, s);
            const seen = new Map<string, number>();
            s.arrivals.forEach((a, i) => {
              const cell = `${a.key}@${Math.floor(a.t / s.windowMs)}`;
              const before = seen.get(cell) ?? 0;
              seen.set(cell, before + 1);
              const expected = before < s.limit;
              if (decisions[i] !== expected) {
                throw new Error(`request #${i} (key ${a.key}, ${a.t} ms, window ${cell}, ${before} before it): expected ${expected ? "admit" : "reject"}`);
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
    {
      name: "is monotone: removing a request never turns a later admit into a reject, a larger limit never admits fewer",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), fc.nat(), fc.integer({ min: 1, max: 3 }), (s, drop, extra) => {
            const full = run(make, s);
            const at = drop % s.arrivals.length;
            const fewer = run(make, { ...s, arrivals: s.arrivals.filter((_, i) => i !== at) });
            for (let i = at + 1; i < s.arrivals.length; i++) {
              if (full[i] && !fewer[i - 1]) {
                throw new Error(`removing request #${at} (${s.arrivals[at]!.t} ms) turned the admit of request #${i} (${s.arrivals[i]!.t} ms) into a reject`);
              }
            }
            const more = run(make, { ...s, limit: s.limit + extra });
            const count = (d: boolean[]): number => d.filter(Boolean).length;
            if (count(more) < count(full)) throw new Error(`limit ${s.limit + extra} admitted ${count(more)} < ${count(full)} admitted with limit ${s.limit}`);
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
  ],
});
