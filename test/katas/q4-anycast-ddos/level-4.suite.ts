import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { sourceKey, trueCounts, zipfStream } from "./streams.js";

interface Sketch {
  readonly width: number;
  readonly depth: number;
  add(key: string, count?: number): void;
  estimate(key: string): number;
}
interface TopK {
  add(key: string): void;
  top(k: number): ReadonlyArray<{ key: string; count: number }>;
}
interface Impl {
  countMin(options: { epsilon: number; delta: number; seed: number }): Sketch;
  spaceSaving(capacity: number): TopK;
}

// The ε-δ guarantee is statistical, so it is checked over a FIXED list of seeds: the verdict is
// the same on every run, and a correct sketch passes with a wide margin.
const GUARANTEE_SEEDS = [11, 23, 37, 41, 53, 67];
const RECALL_SEEDS = [3, 17, 29, 101, 257, 509, 1021, 2053];
const EPSILON = 0.01;
const DELTA = 0.01;

/** Small key domains with weights, in bursts: collisions happen and counts repeat. */
const weightedStreamArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 20 })), { minLength: 1, maxLength: 200 });

/** A Zipf stream whose keys outnumber the counters, in random or adversarial (sorted) order. */
const zipfArb = fc
  .record({
    seed: fc.integer(),
    distinct: fc.integer({ min: 30, max: 300 }),
    length: fc.integer({ min: 200, max: 3000 }),
    s: fc.constantFrom(0.8, 1.0, 1.2, 1.5),
    capacity: fc.integer({ min: 5, max: 25 }),
    order: fc.constantFrom("random", "heavy-last", "bursts"),
  })
  .map((p) => {
    let stream = zipfStream(p.seed, p.distinct, p.length, p.s);
    const counts = trueCounts(stream);
    // Heavy keys arriving last, or in bursts after the table is full, are what eviction bugs miss.
    if (p.order === "heavy-last") stream = [...stream].sort((a, b) => (counts.get(a) as number) - (counts.get(b) as number) || (a < b ? -1 : 1));
    if (p.order === "bursts") stream = [...stream].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { ...p, stream, counts };
  });

export const suite = defineLevel<Impl>({
  kata: "q4-anycast-ddos",
  level: 4,
  load: (m) => {
    const CM = requireExport<new (o: { epsilon: number; delta: number; seed: number }) => Sketch>(m, "CountMin", "class");
    const SS = requireExport<new (capacity: number) => TopK>(m, "SpaceSaving", "class");
    return { countMin: (o) => new CM(o), spaceSaving: (c) => new SS(c) };
  },
  probe: (impl) => {
    const cm = impl.countMin({ epsilon: 0.1, delta: 0.1, seed: 1 });
    cm.add("a");
    const ss = impl.spaceSaving(2);
    ss.add("a");
    return [cm.estimate("a"), ss.top(1)];
  },
  properties: [
    {
      name: "count-min never underestimates any key",
      run: (impl, ctx) =>
        check(
          fc.property(weightedStreamArb, fc.integer(), fc.constantFrom(0.05, 0.2, 0.5), (adds, seed, epsilon) => {
            const cm = impl.countMin({ epsilon, delta: 0.05, seed });
            const truth = new Map<string, number>();
            for (const [k, c] of adds) {
              cm.add(sourceKey(k), c);
              truth.set(sourceKey(k), (truth.get(sourceKey(k)) ?? 0) + c);
            }
            for (let k = 0; k <= 45; k++) {
              const key = sourceKey(k);
              const t = truth.get(key) ?? 0;
              if (cm.estimate(key) < t) throw new Error(`estimate(${key}) = ${cm.estimate(key)} < true count ${t}`);
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
    {
      name: `count-min overestimates by more than εN at most a δ share of the time (ε = δ = 0.01, ${GUARANTEE_SEEDS.length} fixed seeds)`,
      run: (impl, ctx) =>
        check(
          fc.property(fc.constant(GUARANTEE_SEEDS), (seeds) => {
            let queries = 0;
            let failures = 0;
            for (const seed of seeds) {
              const stream = zipfStream(seed, 1200, 15_000, 1.1);
              const cm = impl.countMin({ epsilon: EPSILON, delta: DELTA, seed });
              for (const key of stream) cm.add(key);
              for (const [key, t] of trueCounts(stream)) {
                queries++;
                if (cm.estimate(key) - t > EPSILON * stream.length) failures++;
              }
            }
            if (failures > DELTA * queries)
              throw new Error(`${failures} of ${queries} estimates (${((100 * failures) / queries).toFixed(2)}%) were off by more than εN; δ allows ${100 * DELTA}%`);
          }),
          ctx,
          { numRuns: 1 },
        ),
    },
    {
      name: "space-saving keeps every key above N/capacity and never reports less than the true count",
      run: (impl, ctx) =>
        check(
          fc.property(zipfArb, ({ stream, counts, capacity }) => {
            const ss = impl.spaceSaving(capacity);
            for (const key of stream) ss.add(key);
            const top = ss.top(capacity);
            const reported = new Map(top.map((h) => [h.key, h.count]));
            for (const [key, count] of reported) {
              const t = counts.get(key) ?? 0;
              if (count < t) throw new Error(`top() reports ${key} = ${count}, below its true count ${t}`);
            }
            for (const [key, t] of counts)
              if (t > stream.length / capacity && !reported.has(key))
                throw new Error(`${key} was seen ${t} times (> N/capacity = ${(stream.length / capacity).toFixed(1)}) but is missing from top()`);
            for (let i = 1; i < top.length; i++)
              if ((top[i] as { count: number }).count > (top[i - 1] as { count: number }).count) throw new Error("top() is not sorted largest first");
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "space-saving ranks in its top 10 every key heavier than the 11th by more than N/capacity",
      run: (impl, ctx) =>
        check(
          fc.property(fc.integer(), fc.constantFrom(0.8, 1.0, 1.2, 1.5), fc.constantFrom("random", "heavy-last"), (seed, s, order) => {
            let stream = zipfStream(seed, 1000, 5000, s);
            const counts = trueCounts(stream);
            if (order === "heavy-last") stream = [...stream].sort((a, b) => (counts.get(a) as number) - (counts.get(b) as number) || (a < b ? -1 : 1));
            const ss = impl.spaceSaving(50);
            for (const key of stream) ss.add(key);
            // Reported counts lie in [true, true + N/capacity], so such a key outranks every key
            // outside the true top 10: this holds for every stream, not just on average.
            const ranked = [...counts].sort((a, b) => b[1] - a[1]);
            const eleventh = ranked[10]?.[1] ?? 0;
            const found = new Set(ss.top(10).map((h) => h.key));
            for (const [key, t] of ranked.slice(0, 10))
              if (t > eleventh + stream.length / 50 && !found.has(key))
                throw new Error(`${key} (${t} packets, the 11th has ${eleventh}, N/capacity = ${stream.length / 50}) is missing from top(10)`);
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
    {
      name: `space-saving with 50 counters recalls ≥ 90% of the true top 10 on Zipf streams (${RECALL_SEEDS.length} fixed seeds × 3 skews)`,
      run: (impl, ctx) =>
        check(
          fc.property(fc.constant(RECALL_SEEDS), (seeds) => {
            let found = 0;
            let wanted = 0;
            for (const seed of seeds) {
              for (const s of [1.0, 1.2, 1.5]) {
                const stream = zipfStream(seed, 1000, 5000, s);
                const ss = impl.spaceSaving(50);
                for (const key of stream) ss.add(key);
                const truth = [...trueCounts(stream)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([k]) => k);
                const top = new Set(ss.top(10).map((h) => h.key));
                found += truth.filter((k) => top.has(k)).length;
                wanted += truth.length;
              }
            }
            if (found < 0.9 * wanted) throw new Error(`top(10) recalled ${found} of ${wanted} true top-10 keys (${((100 * found) / wanted).toFixed(1)}%)`);
          }),
          ctx,
          { numRuns: 1 },
        ),
    },
  ],
});
