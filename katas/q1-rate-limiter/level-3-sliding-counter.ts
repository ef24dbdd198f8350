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
// "previous" is the count of the window just before the current one: after an idle gap of a
// whole window or more it is 0. Only admitted requests are counted.
// Constraints: integer milliseconds, never decreasing; O(1) memory per key; no real clock.
// Hints: `npm run kata -- hint q1/3`. Grade: `npm run kata -- check q1/3`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface WindowLimiterOptions {
  /** Requests admitted per key per window, as estimated (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class SlidingWindowCounter {
  constructor(readonly options: WindowLimiterOptions) {}

  estimate(key: string, nowMs: number): number {
    // TODO: previous · (W − t) / W + current, for the window of nowMs.
    throw new NotImplemented("SlidingWindowCounter.estimate");
  }

  tryAcquire(key: string, nowMs: number): boolean {
    // TODO: roll the two buckets forward to the window of nowMs, decide, count.
    throw new NotImplemented("SlidingWindowCounter.tryAcquire");
  }
}
