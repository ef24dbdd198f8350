// Q1 · level 2 · Sliding window log
// Level 1 let a client send `limit` requests at 0:59.999 and `limit` more at 1:00.000: twice
// the limit in one millisecond. The exact fix keeps, per key, the times of the admitted
// requests and looks back exactly one window from each new request.
//
// Implement `SlidingLogLimiter.tryAcquire(key, nowMs)`: admit iff fewer than `limit` requests
// of that key were admitted in (nowMs − windowMs, nowMs]. Then EVERY interval of length
// `windowMs` (not only the aligned ones) holds at most `limit` admissions, and a request is
// rejected only when admitting it would break that.
// Constraints: integer milliseconds, never decreasing for one key (different keys may arrive
// out of time order); keys are any strings; rejected requests do not count; memory per key is
// O(limit), with limits up to 10⁴; never read the real clock.
// Hints: `npm run kata -- hint q1/2`. Grade: `npm run kata -- check q1/2`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface WindowLimiterOptions {
  /** Requests admitted per key in any interval of `windowMs` (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class SlidingLogLimiter {
  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    // TODO: per key, keep the admitted times still inside the window and drop older ones.
    throw new NotImplemented("SlidingLogLimiter.tryAcquire");
  }
}
