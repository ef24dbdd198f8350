// Q1 · level 3 · Sliding window counter
// The exact log of level 2 stores one timestamp per admitted request: at Cloudflare's scale
// (millions of keys, limits in the thousands) that is too much memory and too much to sync.
// Cloudflare's rate limiting keeps two counters per key instead, the current and the previous
// aligned window, and estimates the sliding count by weighting the previous one by how much
// of it the sliding window still overlaps:
//     estimate = previous · (W − t) / W + current,   t = nowMs − (start of the current window)
//
// Implement `SlidingWindowCounter`:
//   estimate(key, nowMs)   the formula above, without recording anything;
//   tryAcquire(key, nowMs) admit iff estimate(key, nowMs) < limit, then count it in `current`.
// "previous" is the count of the aligned window just before the current one BY INDEX: window
// k − 1 when nowMs is in window k. It is 0 when the key admitted nothing in window k − 1, e.g.
// after an idle gap of a whole window or more. Count the gap in window indices, not elapsed
// time: a request at the start of window k − 1 still counts in `previous` at the end of window
// k, almost 2W later. Only admitted requests are counted. `estimate` is graded to within a
// relative 1e-9 (any order of the float operations is fine); `tryAcquire` decides exactly.
// Constraints: integer milliseconds, never decreasing for one key (different keys may arrive
// out of time order); limits up to 10⁴ and windows up to hours, so previous · (W − t) can
// exceed 32 bits; O(1) memory per key; no real clock.

export interface WindowLimiterOptions {
  /** Requests admitted per key per window, as estimated (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface Buckets {
  /** Index of the aligned window that `current` counts. */
  window: number;
  current: number;
  previous: number;
}

export class SlidingWindowCounter {
  readonly #buckets = new Map<string, Buckets>();

  constructor(readonly options: WindowLimiterOptions) {}

  estimate(key: string, nowMs: number): number {
    const { window, current, previous } = this.#rolled(key, nowMs);
    const t = nowMs - window * this.options.windowMs;
    return (previous * (this.options.windowMs - t)) / this.options.windowMs + current;
  }

  tryAcquire(key: string, nowMs: number): boolean {
    const b = this.#rolled(key, nowMs);
    const w = this.options.windowMs;
    const t = nowMs - b.window * w;
    // Compare in integers (estimate < limit, multiplied by W) so no rounding can flip a decision.
    if (b.previous * (w - t) + b.current * w >= this.options.limit * w) return false;
    b.current++;
    this.#buckets.set(key, b);
    return true;
  }

  /** The buckets as they are in the window of nowMs (a copy; the stored ones are not touched). */
  #rolled(key: string, nowMs: number): Buckets {
    // floor, not round: the window of a request is the aligned window that contains it.
    const window = Math.floor(nowMs / this.options.windowMs);
    const stored = this.#buckets.get(key);
    if (stored === undefined) return { window, current: 0, previous: 0 };
    if (stored.window === window) return { ...stored };
    // The previous bucket is the window just before this one: after an idle gap of a whole
    // window or more, the last counted window is older than that and must not weigh in.
    if (stored.window === window - 1) return { window, current: 0, previous: stored.current };
    return { window, current: 0, previous: 0 };
  }
}
