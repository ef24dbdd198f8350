import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { assertKeyIsolation, decideAll, example, windowScenario, type Arrival, type WindowScenario } from "./traffic.js";

interface Limiter {
  tryAcquire(key: string, nowMs: number): boolean;
}
type Make = (options: { limit: number; windowMs: number }) => Limiter;

const run = (make: Make, s: WindowScenario): boolean[] => decideAll(make(s), s.arrivals);

/** The fixed window, from its definition: the first `limit` requests of each (key, aligned window). */
function expectedDecisions(s: { limit: number; windowMs: number; arrivals: readonly Arrival[] }): boolean[] {
  const seen = new Map<string, Map<number, number>>();
  return s.arrivals.map((a) => {
    const perWindow = seen.get(a.key) ?? new Map<number, number>();
    seen.set(a.key, perWindow);
    const w = Math.floor(a.t / s.windowMs);
    const before = perWindow.get(w) ?? 0;
    perWindow.set(w, before + 1);
    return before < s.limit;
  });
}

/** Throws at the first decision that differs from the definition, naming the request and its window. */
function assertFixedWindow(s: WindowScenario, decisions: readonly boolean[], label = ""): void {
  const expected = expectedDecisions(s);
  const i = expected.findIndex((e, n) => e !== decisions[n]);
  if (i < 0) return;
  const a = s.arrivals[i]!;
  const w = Math.floor(a.t / s.windowMs);
  const before = s.arrivals.slice(0, i).filter((b) => b.key === a.key && Math.floor(b.t / s.windowMs) === w).length;
  throw new Error(
    `${label}request #${i} (key ${JSON.stringify(a.key)}, ${a.t} ms, aligned window ${w} = [${w * s.windowMs}, ${(w + 1) * s.windowMs})): ` +
      `${before} earlier request(s) of that key in the window and limit ${s.limit}, so it must be ${expected[i] ? "admitted" : "rejected"}; it was ${decisions[i] ? "admitted" : "rejected"}`,
  );
}

// Exact cases no generator should be trusted to find: each one is a classic wrong answer's
// counter-example (the window edge, an idle gap, keys glued to window indices, prototype keys,
// two keys whose clocks interleave out of order).
const EDGE_CASES = [
  example(1, 10, [["a", 9], ["a", 10], ["a", 10]]), // the next window starts exactly at W
  example(1, 10, [["a", 0], ["a", 5]]), // 0.5·W is still window 0
  example(2, 10, [["a", 5], ["a", 5], ["a", 10], ["a", 14], ["a", 14]]), // windows are aligned to k·W, not to the first request
  example(1, 10, [["a", 0], ["a", 30], ["a", 31]]), // an idle gap of several windows
  example(1, 1, [["a1", 2], ["a", 12], ["", 11], ["1", 1]]), // "a1"+"2" = "a"+"12", "" + "11" = "1" + "1"
  example(1, 10, [["__proto__", 0], ["__proto__", 1], ["constructor", 0], ["constructor", 1], ["toString", 2], ["toString", 3]]),
  example(1, 10, [["a", 15], ["b", 5], ["a", 16], ["b", 6]]), // keys interleave out of time order
  example(10_000, 3_600_000, [
    ...Array.from({ length: 10_001 }, () => ["api-key", 1_700_000_000_000] as const),
    ["api-key", 1_700_002_799_999],
    ["api-key", 1_700_002_800_000],
  ]), // a realistic hour: 10⁴ admitted, the 10 001st rejected, until the next aligned hour
];

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
      name: "admits exactly the first `limit` requests of each key's aligned window (never more, no false rejects)",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => assertFixedWindow(s, run(make, s))),
          ctx,
          { numRuns: 200, examples: EDGE_CASES },
        ),
    },
    {
      name: "two limiters side by side (same keys, different options) never share state",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), windowScenario(), fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), (a, b, picks) => {
            const la = make(a);
            const lb = make(b);
            const got = { a: [] as boolean[], b: [] as boolean[] };
            let i = 0;
            let j = 0;
            // Interleave the two streams: each limiter sees its own stream in order.
            for (let n = 0; i < a.arrivals.length || j < b.arrivals.length; n++) {
              const takeA = j >= b.arrivals.length || (i < a.arrivals.length && picks[n % picks.length]!);
              if (takeA) got.a.push(la.tryAcquire(a.arrivals[i]!.key, a.arrivals[i++]!.t));
              else got.b.push(lb.tryAcquire(b.arrivals[j]!.key, b.arrivals[j++]!.t));
            }
            assertFixedWindow(a, got.a, "first limiter: ");
            assertFixedWindow(b, got.b, "second limiter: ");
          }),
          ctx,
          { numRuns: 60, examples: [[EDGE_CASES[0]![0], EDGE_CASES[0]![0], [true, false]]] },
        ),
    },
    {
      name: "decides each key as if it were alone (key isolation)",
      run: (make, ctx) =>
        check(
          fc.property(windowScenario(), (s) => assertKeyIsolation(() => make(s), s.arrivals)),
          ctx,
          { numRuns: 100, examples: EDGE_CASES.slice(4, 7) },
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
          { numRuns: 100 },
        ),
    },
  ],
});
