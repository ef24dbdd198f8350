// Mutant: compares `count <= limit` before incrementing, so every window admits limit + 1 (limit 1, requests at 0 and 0: both admitted). (blind)

export interface FixedWindowOptions {
  /** Requests admitted per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowCounter {
  #window = -1;
  #count = 0;

  constructor(readonly options: FixedWindowOptions) {}

  tryAcquire(nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#count = 0;
    }
    if (this.#count <= this.options.limit) {
      this.#count++;
      return true;
    }
    return false;
  }
}
