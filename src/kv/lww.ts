import type { Stamp, StoredVersion } from "./version.js";

// ANCHOR: compare-stamps
/**
 * The last-writer-wins register merge, the only conflict rule of Workers KV ("if concurrent
 * writes are made to the same key, the last write will take precedence"). Pure, so writes can
 * meet in any order, any number of times, and always end up at the same version:
 * commutative, associative, idempotent, with `null` (never written) as identity.
 */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs ? -1 : 1;
  if (a.writerPop !== b.writerPop) return a.writerPop < b.writerPop ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}
// ANCHOR_END: compare-stamps

// ANCHOR: merge
export function merge(a: StoredVersion | null, b: StoredVersion | null): StoredVersion | null {
  if (a === null) return b;
  if (b === null) return a;
  // Equal stamps mean the same write (stamps are unique per store), so either may be returned.
  return compareStamps(a.stamp, b.stamp) >= 0 ? a : b;
}
// ANCHOR_END: merge
