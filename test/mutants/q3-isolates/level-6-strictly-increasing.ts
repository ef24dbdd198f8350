// Mutant: each read adds a microsecond so that timestamps are unique, which turns the clock into a counter of reads.
export class SpectreClock {
  #lastIoMs: number;
  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }
  onIo(realNowMs: number): void {
    this.#lastIoMs = Math.max(this.#lastIoMs, realNowMs);
  }
  now(): number {
    this.#lastIoMs += 0.001;
    return this.#lastIoMs;
  }
}
