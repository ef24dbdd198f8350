// Mutant: the clock is frozen at the request's arrival and never advances, even across I/O.
export class SpectreClock {
  #lastIoMs: number;
  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }
  onIo(realNowMs: number): void {
    void realNowMs;
  }
  now(): number {
    return this.#lastIoMs;
  }
}
