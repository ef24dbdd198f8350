// Mutant: the counter never resets, so after the first window every request is rejected.
export class FixedWindowCounter {
  #admitted = 0;
  constructor(readonly options: { limit: number; windowMs: number }) {}
  tryAcquire(_nowMs: number): boolean {
    if (this.#admitted < this.options.limit) {
      this.#admitted++;
      return true;
    }
    return false;
  }
}
