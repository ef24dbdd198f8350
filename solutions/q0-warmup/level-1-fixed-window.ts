// Q0 · level 1 · Fixed window counter
// Your API lets each client make `limit` requests per `windowMs`. The windows are aligned to
// multiples of `windowMs`: [0, W), [W, 2W), … A request at `nowMs` belongs to window
// floor(nowMs / W).
//
// Implement `FixedWindowCounter.tryAcquire(nowMs)`: return true (admit) while fewer than
// `limit` requests were admitted in the current window, false otherwise. Times are integer
// milliseconds (from 0 to epoch-like values) and never decrease for one counter; two counters
// are independent, each with its own clock. Do not read the real clock.

export interface FixedWindowOptions {
  /** Requests admitted per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowCounter {
  #window = Number.NEGATIVE_INFINITY;
  #admitted = 0;

  constructor(readonly options: FixedWindowOptions) {}

  tryAcquire(nowMs: number): boolean {
    // floor, not round: a request at W-1 still belongs to window 0.
    const window = Math.floor(nowMs / this.options.windowMs);
    if (window !== this.#window) {
      // A new window starts from zero; only the current window's count is needed.
      this.#window = window;
      this.#admitted = 0;
    }
    // Strictly less: the limit-th request is the last one admitted.
    if (this.#admitted < this.options.limit) {
      this.#admitted++;
      return true;
    }
    return false;
  }
}
