// Mutant: anchors each window at the first request after the previous one expired instead of at multiples of windowMs, so with limit 1, windowMs 10 the requests at 5 and 12 (aligned windows 0 and 1) reject the second. (blind)

export interface FixedWindowOptions {
  /** Requests admitted per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowCounter {
  #windowStart: number | undefined;
  #count = 0;

  constructor(readonly options: FixedWindowOptions) {}

  tryAcquire(nowMs: number): boolean {
    if (this.#windowStart === undefined || nowMs - this.#windowStart >= this.options.windowMs) {
      this.#windowStart = nowMs;
      this.#count = 0;
    }
    if (this.#count >= this.options.limit) return false;
    this.#count++;
    return true;
  }
}
