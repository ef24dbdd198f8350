// Q0 · level 1 · Fixed window counter
// Your API lets each client make `limit` requests per `windowMs`. The windows are aligned to
// multiples of `windowMs`: [0, W), [W, 2W), … A request at `nowMs` belongs to window
// floor(nowMs / W).
//
// Implement `FixedWindowCounter.tryAcquire(nowMs)`: return true (admit) while fewer than
// `limit` requests were admitted in the current window, false otherwise. Times are integer
// milliseconds (from 0 to epoch-like values) and never decrease for one counter; two counters
// are independent, each with its own clock. Do not read the real clock.
// Hints: `npm run kata -- hint q0/1`. Grade: `npm run kata -- check q0/1`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface FixedWindowOptions {
  /** Requests admitted per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowCounter {
  constructor(readonly options: FixedWindowOptions) {}

  tryAcquire(nowMs: number): boolean {
    // TODO: keep the current window's index and how many requests it admitted.
    throw new NotImplemented("FixedWindowCounter.tryAcquire");
  }
}
