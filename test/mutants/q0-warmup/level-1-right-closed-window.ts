// Mutant: uses windows (k·W, (k+1)·W] via floor((nowMs − 1) / W), so a request exactly at the next window's start is counted in the old one (limit 1, windowMs 10, times 9 and 10: the second is rejected). (blind)

export interface FixedWindowOptions {
  /** Requests admitted per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowCounter {
  #window: number | undefined;
  #count = 0;

  constructor(readonly options: FixedWindowOptions) {}

  tryAcquire(nowMs: number): boolean {
    // "A window ends at (k+1)·W": the last millisecond of window k is (k+1)·W.
    const window = Math.floor((nowMs - 1) / this.options.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#count = 0;
    }
    if (this.#count >= this.options.limit) return false;
    this.#count++;
    return true;
  }
}
