// Q2 · level 6 · Choose and justify
// The interview's last question: "So when would you use each?" Answer it as a function.
// Given a workload, return "KV", "DO" or "both" (reads from KV at the edge, writes through
// a Durable Object, as in level 4) with a one-line reason that names the deciding figure.
//
// The suite derives its cases from what this platform models (src/kv, src/durable-objects):
//   - KV caches a value where it is read and serves the copy while it is younger than the
//     read's cacheTtl (default 60 s, minimum 30 s); nothing is pushed. A reader elsewhere is
//     at most cacheTtl stale, so no budget under the 30 s minimum can be met, and any budget
//     from 30 s up can, by reading with cacheTtl ≤ budget;
//   - KV takes at most 1 write per second per key (429 beyond), and a write costs 10x a read;
//   - KV settles races last-writer-wins: read-modify-write loses updates (level 2);
//   - a Durable Object is one instance per id: linearizable (level 3), but every read from
//     a far PoP pays the round trip to wherever the object lives;
//   - a Durable Object value is at most DO_VALUE_SIZE_BYTES_MAX; a KV value up to 25 MiB.
//     An object can still hold a bigger value, split over several keys written in one
//     transaction, so size never overrides the rules above (linearizable, write rate,
//     staleness, read-your-writes): it decides only for eventual data, where it picks KV.
// Where KV is correct, its edge copies pay only for data that is read-heavy (at least 10
// reads per write: readsPerSecond >= 10 * writesPerSecond, so no writes at all counts) AND
// read worldwide. That picks KV for eventual data and "both" for read-your-writes. Anything
// else (regional, or fewer than 10 reads per write) picks a Durable Object: a write costs
// KV 10 reads, and one region is one short round trip from an object that is never stale.
import { DO_VALUE_SIZE_BYTES_MAX } from "../../src/durable-objects/index.js";
import { KV_CACHE_TTL_SECONDS_MIN, KV_WRITES_PER_KEY_INTERVAL_MS } from "../../src/kv/index.js";

export interface Workload {
  readsPerSecond: number;
  writesPerSecond: number;
  /** The busiest key's write rate. */
  writesPerSecondPerKeyMax: number;
  /** What readers must see: every write in one order, their own writes, or eventually anything. */
  consistency: "linearizable" | "read-your-writes" | "eventual";
  /** How old a value another user may read, in milliseconds. */
  stalenessBudgetMs: number;
  keyCount: number;
  geography: "global" | "regional";
  valueBytesMax: number;
}

export interface Choice {
  store: "KV" | "DO" | "both";
  reason: string;
}

/**
 * The tightest staleness KV can promise another reader: a copy lives for the read's cacheTtl,
 * and cacheTtl cannot go below 30 s. (Not "propagation + cacheTtl": there is no propagation.)
 */
const KV_STALENESS_MS_MIN = KV_CACHE_TTL_SECONDS_MIN * 1000;
const KV_WRITES_PER_KEY_PER_SECOND_MAX = 1000 / KV_WRITES_PER_KEY_INTERVAL_MS;
const READ_HEAVY_RATIO_MIN = 10;

export function choose(w: Workload): Choice {
  // Correctness first: these rule KV out whatever it would save.
  if (w.consistency === "linearizable") {
    return { store: "DO", reason: "needs linearizable updates: one Durable Object per key serialises them, while KV's last-writer-wins loses concurrent read-modify-writes" };
  }
  if (w.writesPerSecondPerKeyMax > KV_WRITES_PER_KEY_PER_SECOND_MAX) {
    return { store: "DO", reason: `${w.writesPerSecondPerKeyMax} writes/s to one key exceeds KV's limit of 1 write per second per key` };
  }
  if (w.stalenessBudgetMs < KV_STALENESS_MS_MIN) {
    return { store: "DO", reason: `a staleness budget of ${w.stalenessBudgetMs} ms is below ${KV_STALENESS_MS_MIN} ms, the shortest cacheTtl: a KV copy may be served that long after a write elsewhere` };
  }
  // KV is allowed from here on; now it is about cost and latency. Its edge copies carry the
  // load only when many reads, made all over the world, share each write.
  const edgeWins = w.geography === "global" && w.readsPerSecond >= READ_HEAVY_RATIO_MIN * w.writesPerSecond;
  if (w.consistency === "read-your-writes") {
    if (edgeWins) return { store: "both", reason: "global and read-heavy, but the writer must read its own writes: write through a Durable Object, serve reads from KV, and fall back to the object when the cookie's version is newer" };
    return { store: "DO", reason: `read-your-writes, ${w.geography}, ${w.readsPerSecond} reads per ${w.writesPerSecond} writes per second: not both global and read-heavy, so a Durable Object alone answers every read fresh and KV copies would not pay for their writes` };
  }
  if (w.valueBytesMax > DO_VALUE_SIZE_BYTES_MAX) {
    return { store: "KV", reason: `values of ${w.valueBytesMax} bytes exceed a Durable Object value's ${DO_VALUE_SIZE_BYTES_MAX} bytes; KV stores up to 25 MiB and staleness is acceptable` };
  }
  if (edgeWins) {
    return { store: "KV", reason: `global, read-heavy and eventual: KV serves reads from the local PoP cache everywhere; read with a cacheTtl of at most ${Math.floor(w.stalenessBudgetMs / 1000)} s to stay within the ${w.stalenessBudgetMs} ms staleness budget` };
  }
  return { store: "DO", reason: `${w.geography}, ${w.readsPerSecond} reads per ${w.writesPerSecond} writes per second: not both global and read-heavy (10 reads per write), so a Durable Object answers every read fresh, where KV would pay a central write (10x a read's price) for copies few readers share` };
}
