// Mutant: "Durable Objects are strictly stronger", so it always picks DO, even for global read-heavy data that tolerates minutes of staleness.
export interface Workload { readsPerSecond: number; writesPerSecond: number; writesPerSecondPerKeyMax: number; consistency: "linearizable" | "read-your-writes" | "eventual"; stalenessBudgetMs: number; keyCount: number; geography: "global" | "regional"; valueBytesMax: number }
export interface Choice { store: "KV" | "DO" | "both"; reason: string }
export function choose(_w: Workload): Choice {
  return { store: "DO", reason: "a Durable Object is linearizable, so it is never wrong about stale data or lost writes" };
}
