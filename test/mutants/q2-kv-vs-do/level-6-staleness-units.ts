// Mutant: compares the budget (milliseconds) with the minimum cacheTtl in seconds (30), so any budget of 30 ms or more passes the staleness rule and KV is picked for budgets far under 30 s. (blind)
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

/** KV's write limit per key. */
const KV_WRITES_PER_KEY_PER_SECOND_MAX = 1;
/** The shortest staleness KV can promise: a copy may be served for the minimum cacheTtl. */
const KV_STALENESS_MS_MIN = KV_CACHE_TTL_SECONDS_MIN;
/** Reads per write from which KV's edge caching pays for its 10x write price. */
const READS_PER_WRITE_MIN = 10;

export function choose(w: Workload): Choice {
  if (w.valueBytesMax > DO_VALUE_SIZE_BYTES_MAX) {
    return { store: "KV", reason: `values up to ${w.valueBytesMax} bytes exceed the Durable Object value size limit of ${DO_VALUE_SIZE_BYTES_MAX} bytes` };
  }
  if (w.consistency === "linearizable") {
    return { store: "DO", reason: "linearizable updates need one Durable Object; KV settles races last-writer-wins" };
  }
  if (w.writesPerSecondPerKeyMax > KV_WRITES_PER_KEY_PER_SECOND_MAX) {
    return { store: "DO", reason: `write rate of ${w.writesPerSecondPerKeyMax}/s per key exceeds KV's 1 write per second per key` };
  }
  if (w.stalenessBudgetMs < KV_STALENESS_MS_MIN) {
    return { store: "DO", reason: `staleness budget ${w.stalenessBudgetMs} ms is under KV's minimum cacheTtl of ${KV_CACHE_TTL_SECONDS_MIN} s` };
  }
  const readHeavy = w.writesPerSecond === 0 || w.readsPerSecond / w.writesPerSecond >= READS_PER_WRITE_MIN;
  if (w.geography === "global" && readHeavy) {
    if (w.consistency === "read-your-writes") {
      return { store: "both", reason: "global read-heavy data that needs read-your-writes: KV at the edge, writes through a Durable Object with a version cookie" };
    }
    const cacheTtl = Math.floor(w.stalenessBudgetMs / 1000);
    return { store: "KV", reason: `global read-heavy data with a staleness budget of ${w.stalenessBudgetMs} ms: KV read with cacheTtl ${cacheTtl} s` };
  }
  if (w.consistency === "read-your-writes") {
    return { store: "DO", reason: "read-your-writes without a read-heavy global load: one Durable Object" };
  }
  return { store: "DO", reason: `${w.readsPerSecond} reads per ${w.writesPerSecond} writes per second: too write-heavy or regional for KV's edge caching` };
}
