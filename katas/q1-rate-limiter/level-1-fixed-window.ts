// Q1 · level 1 · Fixed window counter
// Your API sells "100 requests per minute per API key". The first limiter you ship counts
// requests in aligned windows [k·W, (k+1)·W) and forgets the count when the next window starts.
//
// Implement `FixedWindowLimiter.tryAcquire(key, nowMs)`: return true (admit) while fewer than
// `limit` requests of that key were admitted in the window of `nowMs`, false otherwise.
// Constraints: times are integer milliseconds (up to epoch-like values) and never decrease for
// one key, but requests of different keys may arrive out of time order (they are different
// clients); keys are any strings and never share a budget; use the `nowMs` you are given,
// never the real clock.
// Hints: `npm run kata -- hint q1/1`. Grade: `npm run kata -- check q1/1`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowLimiter {
  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    // TODO: per key, keep the current window's index and how many requests it admitted.
    throw new NotImplemented("FixedWindowLimiter.tryAcquire");
  }
}
