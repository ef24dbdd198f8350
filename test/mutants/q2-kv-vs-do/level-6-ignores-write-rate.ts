// Mutant: ignores the per-key write rate, so a hot key written 50 times a second is put on KV, which refuses all but one write per second.
import { DO_VALUE_SIZE_BYTES_MAX } from "../../../src/durable-objects/index.js";
import { KV_CACHE_TTL_SECONDS_MIN } from "../../../src/kv/index.js";

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

/** The tightest staleness KV can promise another reader: the shortest cacheTtl. */
const KV_STALENESS_MS_MIN = KV_CACHE_TTL_SECONDS_MIN * 1000;
const READ_HEAVY_RATIO_MIN = 10;

export function choose(w: Workload): Choice {
  // Correctness first: these rule KV out whatever it would save.
  if (w.consistency === "linearizable") {
    return { store: "DO", reason: "needs linearizable updates: one Durable Object per key serialises them, while KV's last-writer-wins loses concurrent read-modify-writes" };
  }
  if (w.stalenessBudgetMs < KV_STALENESS_MS_MIN) {
    return { store: "DO", reason: `a staleness budget of ${w.stalenessBudgetMs} ms is below KV's worst case of ${KV_STALENESS_MS_MIN} ms (the shortest cacheTtl)` };
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
