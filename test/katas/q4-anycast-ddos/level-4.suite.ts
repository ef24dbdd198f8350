import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { ADVERSARIAL_KEYS, streamKey, trueCounts, zipfStream } from "./streams.js";

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

/**
 * Small key domains (the adversarial keys first) with weights, in bursts: collisions happen and
 * counts repeat. Counts are packets, from single ones to a billion (a minute of a large flood).
 */
const weightedStreamArb = fc.array(
  fc.tuple(
    fc.integer({ min: 0, max: 40 }),
    fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000_000 }) }),
  ),
  { minLength: 1, maxLength: 200 },
);

/** Sizes the stub prescribes: width ⌈e/ε⌉, depth ⌈ln(1/δ)⌉ (none of these is near an integer). */
const SIZINGS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.3].flatMap((epsilon) => [0.001, 0.01, 0.05, 0.1, 0.3].map((delta) => ({ epsilon, delta })));

/**
 * A stream over the first `distinct` keys (adversarial ones included) for a space-saving table
 * with at least as many counters as keys seen, often exactly as many.
 */
const exactStreamArb = fc
  .record({
    distinct: fc.integer({ min: 1, max: 30 }),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 300 }),
    extra: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }),
  })
  .map(({ distinct, picks, extra }) => {
    const stream = picks.map((p) => streamKey(p % distinct));
    const counts = trueCounts(stream);
    return { stream, counts, capacity: counts.size + extra, newcomer: streamKey(distinct) };
  });

/** A PoP-sized table: 10 000 counters, exactly full with 10 000 keys seen 1 to 3 times each. */
const LARGE_EXACT = (() => {
  const stream = Array.from({ length: 10_000 }, (_, i) => Array.from({ length: 1 + (i % 3) }, () => streamKey(i))).flat();
  const counts = trueCounts(stream);
  return { stream, counts, capacity: 10_000, newcomer: streamKey(10_000) };
})();

function showCounts(entries: Iterable<readonly [string, number]>): string {
  return JSON.stringify([...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

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
      name: "count-min never underestimates any key (`__proto__`, \"\", non-ASCII included; counts up to 10⁹)",
      run: (impl, ctx) =>
        check(
          fc.property(weightedStreamArb, fc.integer(), fc.constantFrom(0.05, 0.2, 0.5), (adds, seed, epsilon) => {
            const cm = impl.countMin({ epsilon, delta: 0.05, seed });
            const truth = new Map<string, number>();
            for (const [k, c] of adds) {
              cm.add(streamKey(k), c);
              truth.set(streamKey(k), (truth.get(streamKey(k)) ?? 0) + c);
            }
            for (let k = 0; k <= 45; k++) {
              const key = streamKey(k);
              const t = truth.get(key) ?? 0;
              const estimate = cm.estimate(key);
              // NaN or undefined (a cell index outside the row) is below every truth too.
              if (!(typeof estimate === "number" && estimate >= t)) throw new Error(`estimate(${JSON.stringify(key)}) = ${estimate} < true count ${t}`);
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
                // Written so that a NaN estimate counts as a failure.
                if (!(cm.estimate(key) - t <= EPSILON * stream.length)) failures++;
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
      name: "count-min is sized width ⌈e/ε⌉ × depth ⌈ln(1/δ)⌉, estimates 0 when empty and a lone key exactly",
      run: (impl, ctx) =>
        check(
          fc.property(fc.constantFrom(...SIZINGS), fc.integer(), fc.nat({ max: ADVERSARIAL_KEYS.length + 4 }), fc.integer({ min: 1, max: 1_000_000_000 }), ({ epsilon, delta }, seed, k, count) => {
            const cm = impl.countMin({ epsilon, delta, seed });
            if (cm.width !== Math.ceil(Math.E / epsilon) || cm.depth !== Math.ceil(Math.log(1 / delta)))
              throw new Error(`ε = ${epsilon}, δ = ${delta}: width × depth is ${cm.width} × ${cm.depth}; ⌈e/ε⌉ × ⌈ln(1/δ)⌉ = ${Math.ceil(Math.E / epsilon)} × ${Math.ceil(Math.log(1 / delta))}`);
            const key = streamKey(k);
            const other = streamKey(k + 1);
            if (cm.estimate(key) !== 0) throw new Error(`an empty sketch estimates ${JSON.stringify(key)} at ${cm.estimate(key)}, not 0`);
            cm.add(key, count);
            cm.add(key);
            // Alone in the sketch, the key's cells hold exactly its count; another key's hold 0 or that count.
            if (cm.estimate(key) !== count + 1) throw new Error(`after add(${JSON.stringify(key)}, ${count}) and add(${JSON.stringify(key)}), estimate is ${cm.estimate(key)}, not ${count + 1}`);
            const rest = cm.estimate(other);
            if (rest !== 0 && rest !== count + 1) throw new Error(`with only ${JSON.stringify(key)} added, estimate(${JSON.stringify(other)}) is ${rest}`);
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "space-saving counts exactly while it has a counter per key (`__proto__`, `constructor`, \"\" included), and a newcomer in a full table takes a smallest counter + 1",
      run: (impl, ctx) =>
        check(
          fc.property(exactStreamArb, ({ stream, counts, capacity, newcomer }) => {
            const ss = impl.spaceSaving(capacity);
            for (const key of stream) ss.add(key);
            const all = ss.top(capacity + 3);
            const want = showCounts(counts);
            if (showCounts(all.map((h) => [h.key, h.count] as const)) !== want)
              throw new Error(`with ${capacity} counters for ${counts.size} keys, top(${capacity + 3}) is ${showCounts(all.map((h) => [h.key, h.count] as const))}; the exact counts are ${want}`);
            if (ss.top(0).length !== 0) throw new Error(`top(0) returned ${ss.top(0).length} entries`);
            if (counts.size < capacity) return;
            // Full: the newcomer replaces one of the smallest counters and inherits its count + 1.
            const min = Math.min(...counts.values());
            ss.add(newcomer);
            const after = new Map(ss.top(capacity).map((h) => [h.key, h.count]));
            const gone = [...counts.keys()].filter((k) => !after.has(k));
            if (after.size !== capacity || after.get(newcomer) !== min + 1 || gone.length !== 1 || counts.get(gone[0] as string) !== min)
              throw new Error(`a full table of ${capacity} (smallest count ${min}) took ${JSON.stringify(newcomer)}: top() is ${showCounts(after)}; expected one counter of ${min} replaced by ${JSON.stringify(newcomer)} = ${min + 1}`);
            for (const [k, c] of after) if (k !== newcomer && counts.get(k) !== c) throw new Error(`adding ${JSON.stringify(newcomer)} changed ${JSON.stringify(k)} from ${counts.get(k)} to ${c}`);
          }),
          ctx,
          { numRuns: 60, examples: [[LARGE_EXACT]] },
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
              if (!(count >= t)) throw new Error(`top() reports ${key} = ${count}, below its true count ${t}`);
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
