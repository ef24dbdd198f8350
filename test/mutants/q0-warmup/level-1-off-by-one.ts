// Mutant: `<=` instead of `<` on the count, so every window admits limit + 1.
export class FixedWindowCounter {
  #window = Number.NEGATIVE_INFINITY;
  #admitted = 0;
  constructor(readonly options: { limit: number; windowMs: number }) {}
  tryAcquire(nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#admitted = 0;
    }
    if (this.#admitted <= this.options.limit) {
      this.#admitted++;
      return true;
    }
    return false;
  }
}
