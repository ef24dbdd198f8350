// Mutant: reads "never decrease" as "always increase": each now() returns one more millisecond than the previous read, so two reads with no I/O between them differ (new SpectreClock(100): now() is 100, then 101). (blind)

export class SpectreClock {
  #lastIoMs: number;
  #lastReadMs = Number.NEGATIVE_INFINITY;

  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    this.#lastIoMs = Math.max(this.#lastIoMs, realNowMs);
  }

  now(): number {
    // Monotonic like performance.now(): never the same value twice.
    this.#lastReadMs = Math.max(this.#lastIoMs, this.#lastReadMs + 1);
    return this.#lastReadMs;
  }
}
