// Mutant: `Math.round` instead of `Math.floor` for the window index, so the second half of a
// window counts against the next one.
export class FixedWindowCounter {
  #window = Number.NEGATIVE_INFINITY;
  #admitted = 0;
  constructor(readonly options: { limit: number; windowMs: number }) {}
  tryAcquire(nowMs: number): boolean {
    const window = Math.round(nowMs / this.options.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#admitted = 0;
    }
    if (this.#admitted < this.options.limit) {
      this.#admitted++;
      return true;
    }
    return false;
  }
}
