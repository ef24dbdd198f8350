import { assert } from "../core/errors.js";

// ANCHOR: staleness-law
/**
 * The model's staleness law: the chance that a read `sinceWriteMs` after a write elsewhere
 * still returns the old value, at a PoP that reads the key every `readIntervalMs` with
 * `cacheTtlMs`, at a phase unrelated to the write, with no other reader in its regional tier.
 *
 * Why: a copy is served while younger than cacheTtl, so the PoP refills on every n-th read,
 * n = ⌈cacheTtl / interval⌉, and the reads between two fills see what the first one fetched.
 * Seen from the write, a read is at a uniformly random position j ∈ {0 … n−1} of its cycle;
 * the k-th read after the write (k = ⌊since / interval⌋) returns the old value exactly when
 * its cycle's fill came before the write, i.e. j > k. So P(stale) = max(0, n − 1 − k) / n:
 * (T − 1 − ⌊t⌋) / T with 1 s reads and T seconds, → 1 − t / T for a PoP that reads
 * continuously, and 0 from cacheTtl on. The tier adds nothing here: with one reader it is
 * filled and expires together with the PoP's copy. test/platform/kv/staleness.test.ts
 * compares this with the store on a fixed seed.
 */
export function staleReadProbability(sinceWriteMs: number, cacheTtlMs: number, readIntervalMs: number): number {
  assert(sinceWriteMs >= 0 && cacheTtlMs > 0 && readIntervalMs > 0, "times are non-negative and intervals positive");
  const readsPerFill = Math.ceil(cacheTtlMs / readIntervalMs);
  const readsSinceWrite = Math.floor(sinceWriteMs / readIntervalMs);
  return Math.max(0, readsPerFill - 1 - readsSinceWrite) / readsPerFill;
}
// ANCHOR_END: staleness-law
