import fc from "fast-check";
import { DO_VALUE_SIZE_BYTES_MAX } from "../../../src/durable-objects/index.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { KV_CACHE_TTL_SECONDS_MIN, KV_VALUE_SIZE_BYTES_MAX, KV_WRITES_PER_KEY_INTERVAL_MS } from "../../../src/kv/index.js";

interface Workload {
  readsPerSecond: number;
  writesPerSecond: number;
  writesPerSecondPerKeyMax: number;
  consistency: "linearizable" | "read-your-writes" | "eventual";
  stalenessBudgetMs: number;
  keyCount: number;
  geography: "global" | "regional";
  valueBytesMax: number;
}
interface Choice {
  store: "KV" | "DO" | "both";
  reason: string;
}
type Choose = (w: Workload) => Choice;

// The platform's figures (claims.test.ts and test/platform/kv show them hold): a KV reader
// elsewhere may see data as old as its read's cacheTtl, which is at least 30 s, and never
// older (test/platform/kv/model-based.test.ts); KV takes 1 write/s per key.
const KV_STALENESS_MS_MIN = KV_CACHE_TTL_SECONDS_MIN * 1000;
const KV_WRITES_PER_KEY_PER_SECOND_MAX = 1000 / KV_WRITES_PER_KEY_INTERVAL_MS;

/**
 * Workloads at the edges of every rule: budgets around 30 s (and the old additive model's 60 s
 * and 90 s), write rates around 1/s, and half the time reads at a set multiple of the writes:
 * exactly 10 per write (read-heavy), just under (9.99) or over, at every magnitude and with no
 * writes at all.
 */
const workload: fc.Arbitrary<Workload> = fc
  .record({
    readsPerSecond: fc.constantFrom(1, 10, 1_000, 100_000),
    readsPerWrite: fc.oneof(fc.constant(undefined), fc.constantFrom(10, 9.99, 9, 11, 1)),
    writesPerSecond: fc.constantFrom(0, 0.01, 1, 10, 1_000),
    writesPerSecondPerKeyMax: fc.constantFrom(0.001, 0.5, 1, 1.01, 2, 50),
    consistency: fc.constantFrom<Workload["consistency"]>("linearizable", "read-your-writes", "eventual"),
    stalenessBudgetMs: fc.constantFrom(0, 1_000, 29_999, 30_000, 45_000, 59_999, 60_000, 89_999, 90_000, 300_000, 3_600_000),
    keyCount: fc.constantFrom(1, 1_000, 10_000_000),
    geography: fc.constantFrom<Workload["geography"]>("global", "regional"),
    // Around the limit: 128 KB in decimal, exactly 128 KiB (fits), one byte over (does not).
    valueBytesMax: fc.constantFrom(100, 64 * 1024, 128_001, DO_VALUE_SIZE_BYTES_MAX, DO_VALUE_SIZE_BYTES_MAX + 1, 5 * 1024 * 1024, KV_VALUE_SIZE_BYTES_MAX),
  })
  .map(({ readsPerWrite, ...w }) => ({
    ...w,
    readsPerSecond: readsPerWrite === undefined ? w.readsPerSecond : w.writesPerSecond * readsPerWrite,
    writesPerSecondPerKeyMax: Math.min(w.writesPerSecondPerKeyMax, w.writesPerSecond),
  }));

/** Hand-made workloads exactly at each rule's edge, graded before the random ones. */
const base: Workload = { readsPerSecond: 100_000, writesPerSecond: 1, writesPerSecondPerKeyMax: 0.001, consistency: "eventual", stalenessBudgetMs: 300_000, keyCount: 1_000, geography: "global", valueBytesMax: 100 };
const EDGES: Workload[] = [
  { ...base, readsPerSecond: 10, writesPerSecond: 1 }, // exactly 10 reads per write: read-heavy, KV
  { ...base, readsPerSecond: 9.99, writesPerSecond: 1 }, // just under: a Durable Object
  { ...base, readsPerSecond: 10_000, writesPerSecond: 1_000 }, // exactly 10 at a realistic rate
  { ...base, readsPerSecond: 9_990, writesPerSecond: 1_000 },
  { ...base, readsPerSecond: 1, writesPerSecond: 0, writesPerSecondPerKeyMax: 0 }, // no writes at all: read-heavy
  { ...base, readsPerSecond: 0, writesPerSecond: 0, writesPerSecondPerKeyMax: 0 }, // 0 >= 10 * 0: the README's product, where 0 / 0 is NaN
  { ...base, readsPerSecond: 1_000, writesPerSecond: 1_000 }, // global but write-heavy: a Durable Object
  { ...base, geography: "regional" }, // read-heavy but regional: a Durable Object
  { ...base, geography: "regional", readsPerSecond: 1, writesPerSecond: 0, writesPerSecondPerKeyMax: 0 },
  { ...base, readsPerSecond: 10, writesPerSecond: 1, consistency: "read-your-writes" },
  { ...base, readsPerSecond: 9.99, writesPerSecond: 1, consistency: "read-your-writes" },
  { ...base, readsPerSecond: 1, writesPerSecond: 0, writesPerSecondPerKeyMax: 0, consistency: "read-your-writes" },
  { ...base, geography: "regional", consistency: "read-your-writes" },
  { ...base, writesPerSecond: 1, writesPerSecondPerKeyMax: 1 }, // exactly KV's 1 write/s per key
  { ...base, writesPerSecond: 10, writesPerSecondPerKeyMax: 1.01 },
  { ...base, writesPerSecond: 10, writesPerSecondPerKeyMax: 2, keyCount: 10_000_000 }, // one hot key among many cold ones
  { ...base, stalenessBudgetMs: KV_STALENESS_MS_MIN }, // exactly the minimum cacheTtl
  { ...base, stalenessBudgetMs: KV_STALENESS_MS_MIN - 1 },
  { ...base, stalenessBudgetMs: 1_000 },
  { ...base, stalenessBudgetMs: 60_000, consistency: "read-your-writes" },
  { ...base, valueBytesMax: DO_VALUE_SIZE_BYTES_MAX }, // fits a Durable Object value exactly
  { ...base, valueBytesMax: 128_001 },
  { ...base, valueBytesMax: DO_VALUE_SIZE_BYTES_MAX + 1, geography: "regional", readsPerSecond: 1 },
  { ...base, valueBytesMax: DO_VALUE_SIZE_BYTES_MAX + 1, consistency: "linearizable" },
  { ...base, valueBytesMax: DO_VALUE_SIZE_BYTES_MAX + 1, consistency: "read-your-writes" },
  { ...base, valueBytesMax: KV_VALUE_SIZE_BYTES_MAX, writesPerSecondPerKeyMax: 2, writesPerSecond: 2 },
  { ...base, valueBytesMax: KV_VALUE_SIZE_BYTES_MAX, stalenessBudgetMs: 0 },
];

interface Rule {
  name: string;
  allowed: ReadonlyArray<Choice["store"]>;
  /** The reason must name the deciding fact. */
  mentions: RegExp;
}

/** Where KV is correct, its edge copies pay only for global data with at least 10 reads per write (exactly 10, and no writes at all, count). */
const edgeWins = (w: Workload): boolean => w.geography === "global" && w.readsPerSecond >= 10 * w.writesPerSecond;

/** What the README settles for every workload: the allowed answer and the fact its reason must name. */
function required(w: Workload): Rule {
  if (w.consistency === "linearizable") return { name: "linearizable updates need one serialising owner; KV loses concurrent updates (level 2)", allowed: ["DO"], mentions: /lineari[sz]|atomic|serial|lost update|last.writer/i };
  if (w.writesPerSecondPerKeyMax > KV_WRITES_PER_KEY_PER_SECOND_MAX) return { name: `more than ${KV_WRITES_PER_KEY_PER_SECOND_MAX} write/s per key is refused by KV`, allowed: ["DO"], mentions: /write/i };
  if (w.stalenessBudgetMs < KV_STALENESS_MS_MIN) return { name: `a staleness budget below ${KV_STALENESS_MS_MIN} ms (the minimum cacheTtl) cannot be met by KV`, allowed: ["DO"], mentions: /stale|cacheTtl|cache/i };
  if (w.consistency === "read-your-writes") {
    if (edgeWins(w)) return { name: "global read-heavy with read-your-writes: KV for reads, a DO for writes and fallback", allowed: ["both"], mentions: /own write|read.your.writes|version|cookie/i };
    return { name: "read-your-writes that is regional or under 10 reads per write: a Durable Object alone, KV copies would not pay for their writes", allowed: ["DO"], mentions: /read|write|region/i };
  }
  // A bigger value still fits an object split over several keys (one transaction), so size
  // only decides where KV is otherwise correct.
  if (w.valueBytesMax > DO_VALUE_SIZE_BYTES_MAX) return { name: `values over ${DO_VALUE_SIZE_BYTES_MAX} bytes do not fit a Durable Object value`, allowed: ["KV"], mentions: /128|KiB|size|large|bytes/i };
  if (edgeWins(w)) return { name: "global, read-heavy, loose staleness: KV's local reads win", allowed: ["KV"], mentions: /read/i };
  return { name: "eventual data that is regional or under 10 reads per write: a Durable Object, a KV write costs 10 reads", allowed: ["DO"], mentions: /read|write|region/i };
}

/** DO < both < KV: how much of the workload the edge copies carry. */
const KV_RANK: Record<Choice["store"], number> = { DO: 0, both: 1, KV: 2 };

/**
 * Changes that only make a workload friendlier to KV: more reads, fewer writes (in total or to
 * the busiest key), a looser staleness budget, readers spread worldwide, bigger values. None of
 * them can make KV wrong where it was right, so none may move the choice away from KV. An
 * inverted comparison or a budget read in the wrong unit breaks this somewhere.
 */
const FRIENDLIER: ReadonlyArray<{ name: string; apply: (w: Workload) => Workload }> = [
  { name: "10x the reads", apply: (w) => ({ ...w, readsPerSecond: w.readsPerSecond * 10 }) },
  { name: "a tenth of the writes", apply: (w) => ({ ...w, writesPerSecond: w.writesPerSecond / 10, writesPerSecondPerKeyMax: Math.min(w.writesPerSecondPerKeyMax, w.writesPerSecond / 10) }) },
  { name: "a tenth of the busiest key's writes", apply: (w) => ({ ...w, writesPerSecondPerKeyMax: w.writesPerSecondPerKeyMax / 10 }) },
  { name: "a staleness budget 10x looser", apply: (w) => ({ ...w, stalenessBudgetMs: w.stalenessBudgetMs * 10 }) },
  { name: "global instead of regional", apply: (w) => ({ ...w, geography: "global" }) },
  { name: "values of 25 MiB", apply: (w) => ({ ...w, valueBytesMax: KV_VALUE_SIZE_BYTES_MAX }) },
];

/** Pairs at each rule's edge: exactly 10 reads per write, a regional workload, the 30 s budget. */
const MONOTONE_EDGES: Array<[Workload, number]> = [
  [{ ...base, readsPerSecond: 10, writesPerSecond: 1, geography: "regional" }, 1],
  [{ ...base, readsPerSecond: 10, writesPerSecond: 1, geography: "regional" }, 0],
  [{ ...base, readsPerSecond: 1_000, writesPerSecond: 1_000, geography: "regional" }, 0],
  [{ ...base, readsPerSecond: 1, writesPerSecond: 1_000, geography: "regional" }, 4],
  [{ ...base, readsPerSecond: 100, writesPerSecond: 1, geography: "regional" }, 4],
  [{ ...base, stalenessBudgetMs: KV_STALENESS_MS_MIN / 10 }, 3],
  // Write-heavy in one region: more reads or fewer writes must not turn KV into a Durable Object.
  [{ ...base, readsPerSecond: 100, writesPerSecond: 1_000, geography: "regional" }, 0],
  [{ ...base, readsPerSecond: 1, writesPerSecond: 10, geography: "regional" }, 1],
];

/** The cacheTtl a reason advises, in seconds ("cacheTtl of at most 300 s"), if it names one. */
function advisedCacheTtlSeconds(reason: string): number | undefined {
  const m = /cache\s*ttl\D{0,40}?(\d[\d_,]*(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)\b/i.exec(reason);
  if (m === null) return undefined;
  const n = Number(m[1]!.replace(/[_,]/g, ""));
  return /^m/i.test(m[2]!) ? n / 1000 : n;
}

export const suite = defineLevel<Choose>({
  kata: "q2-kv-vs-do",
  level: 6,
  load: (m) => requireExport<Choose>(m, "choose"),
  probe: (choose) =>
    choose({ readsPerSecond: 1_000, writesPerSecond: 1, writesPerSecondPerKeyMax: 0.01, consistency: "eventual", stalenessBudgetMs: 300_000, keyCount: 10, geography: "global", valueBytesMax: 100 }),
  properties: [
    {
      name: "never picks KV where the platform's measured behaviour rules it out, and picks KV or both where it clearly wins",
      run: (choose, ctx) =>
        check(
          fc.property(workload, (w) => {
            const rule = required(w);
            const got = choose(structuredClone(w));
            if (!["KV", "DO", "both"].includes(got?.store)) throw new Error(`choose returned ${JSON.stringify(got)}; store must be "KV", "DO" or "both"`);
            if (!rule.allowed.includes(got.store)) throw new Error(`${JSON.stringify(w)}\nchose ${got.store} ("${got.reason}"), but ${rule.name}: expected ${rule.allowed.join(" or ")}`);
          }),
          ctx,
          { numRuns: 300, examples: EDGES.map((w) => [w]) },
        ),
    },
    {
      name: "gives a reason that names the deciding fact",
      run: (choose, ctx) =>
        check(
          fc.property(workload, (w) => {
            const got = choose(structuredClone(w));
            if (typeof got.reason !== "string" || got.reason.trim().length < 10) throw new Error(`reason ${JSON.stringify(got.reason)} is not a reason`);
            const rule = required(w);
            if (!rule.mentions.test(got.reason)) throw new Error(`${JSON.stringify(w)}\nreason "${got.reason}" should mention why: ${rule.name} (${rule.mentions})`);
          }),
          ctx,
          { numRuns: 300, examples: EDGES.map((w) => [w]) },
        ),
    },
    {
      name: "a workload made friendlier to KV (more reads, fewer writes, looser budget, global, bigger values) never moves the choice away from KV",
      run: (choose, ctx) =>
        check(
          fc.property(workload, fc.nat(FRIENDLIER.length - 1), (w, t) => {
            const change = FRIENDLIER[t]!;
            const friendlier = change.apply(w);
            const before = choose(structuredClone(w));
            const after = choose(structuredClone(friendlier));
            if (KV_RANK[after.store] < KV_RANK[before.store]) {
              throw new Error(`${JSON.stringify(w)} chose ${before.store} ("${before.reason}"), but with ${change.name} (${JSON.stringify(friendlier)}) it chose ${after.store} ("${after.reason}")`);
            }
          }),
          ctx,
          { numRuns: 300, examples: MONOTONE_EDGES },
        ),
    },
    {
      name: "a reason that advises a cacheTtl advises one within the staleness budget (the budget is in ms, cacheTtl in s)",
      run: (choose, ctx) =>
        check(
          fc.property(workload, (w) => {
            const got = choose(structuredClone(w));
            if (got.store === "DO" || typeof got.reason !== "string") return;
            const ttl = advisedCacheTtlSeconds(got.reason);
            if (ttl !== undefined && ttl * 1000 > w.stalenessBudgetMs) throw new Error(`${JSON.stringify(w)}\nreason "${got.reason}" advises a cacheTtl of ${ttl} s, over the ${w.stalenessBudgetMs} ms budget`);
          }),
          ctx,
          { numRuns: 100, examples: EDGES.map((w) => [w]) },
        ),
    },
  ],
});
