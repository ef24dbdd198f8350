import { assert } from "../core/errors.js";
import type { StoredVersion } from "./version.js";

/** What one cache (a PoP's or a regional tier's) holds for a key: a value, a tombstone or "not found". */
export interface CachedCopy {
  /** The central store's version when the copy left it; null caches "not found". */
  readonly version: StoredVersion | null;
  /**
   * When the copy was read from the central store. A copy filled from a tier keeps the tier's
   * time (an HTTP cache's `Age`), so a copy's age is always the age of the data in it.
   */
  readonly fetchedAtMs: number;
  /** Filled with cacheTtl T: kept until fetchedAtMs + T. */
  readonly expiresAtMs: number;
}

/** The fewest operations between two sweeps of expired copies. */
const SWEEP_OPS_MIN = 1024;

/**
 * One location's cache of one namespace. A read with `cacheTtl` T is served a copy only while
 * the copy is younger than T and has not expired: Cloudflare's read docs say a read with a
 * lower cacheTtl "would check for newer data to respect the provided cacheTtl".
 *
 * Bounded two ways. Expired copies are swept after as many operations as the copies the
 * previous sweep kept (at least SWEEP_OPS_MIN), so amortised O(1) per operation and at most
 * twice the live copies. And a layer never holds more than `entriesMax` copies: storing one
 * more first sweeps, then evicts the copy filled longest ago. Dropping a copy only makes the
 * next read go further up, to data at least as new, so no bound of the model depends on it.
 */
export class CacheLayer {
  readonly #copies = new Map<string, CachedCopy>();
  readonly #entriesMax: number;
  #opsSinceSweep = 0;
  #sweepAfterOps = SWEEP_OPS_MIN;

  constructor(entriesMax: number) {
    assert(Number.isInteger(entriesMax) && entriesMax >= 1, `a cache holds at least one copy, got ${entriesMax}`);
    this.#entriesMax = entriesMax;
  }

  /** The copy a read at `nowMs` with `cacheTtlMs` may be served, if any. */
  fresh(key: string, nowMs: number, cacheTtlMs: number): CachedCopy | undefined {
    this.#tick(nowMs);
    const copy = this.#copies.get(key);
    if (copy === undefined || nowMs >= copy.expiresAtMs || nowMs - copy.fetchedAtMs >= cacheTtlMs) return undefined;
    return copy;
  }

  store(key: string, copy: CachedCopy, nowMs: number): void {
    this.#tick(nowMs);
    // Re-inserting moves the key to the end, so the Map's order is the order of filling.
    this.#copies.delete(key);
    if (this.#copies.size >= this.#entriesMax) this.sweep(nowMs);
    if (this.#copies.size >= this.#entriesMax) this.#copies.delete(this.#copies.keys().next().value as string);
    this.#copies.set(key, copy);
  }

  /** Drops every expired copy: a read refills a missing key exactly as an expired one. */
  sweep(nowMs: number): void {
    this.#opsSinceSweep = 0;
    for (const [key, copy] of this.#copies) if (nowMs >= copy.expiresAtMs) this.#copies.delete(key);
    this.#sweepAfterOps = Math.max(SWEEP_OPS_MIN, this.#copies.size);
  }

  get size(): number {
    return this.#copies.size;
  }

  /** Copies not expired at `nowMs`, and the earliest moment one of them expires. */
  summary(nowMs: number): { live: number; nextExpiryMs: number | undefined } {
    let live = 0;
    let next: number | undefined;
    for (const copy of this.#copies.values()) {
      if (nowMs >= copy.expiresAtMs) continue;
      live++;
      if (next === undefined || copy.expiresAtMs < next) next = copy.expiresAtMs;
    }
    return { live, nextExpiryMs: next };
  }

  #tick(nowMs: number): void {
    if (++this.#opsSinceSweep >= this.#sweepAfterOps) this.sweep(nowMs);
  }
}
