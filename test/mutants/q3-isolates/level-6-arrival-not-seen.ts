// Mutant: the arrival time is shown until the first I/O but is not counted in the maximum, so an I/O that reports a time before the arrival moves the clock back.

export class SpectreClock {
  #lastIoMs: number;
  #maxIoMs = Number.NEGATIVE_INFINITY;

  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    this.#maxIoMs = Math.max(this.#maxIoMs, realNowMs);
    this.#lastIoMs = this.#maxIoMs;
  }

  now(): number {
    // Nothing here reads a clock: between two I/O events every read is identical, so a
    // synchronous code path has no measurable duration.
    return this.#lastIoMs;
  }
}
