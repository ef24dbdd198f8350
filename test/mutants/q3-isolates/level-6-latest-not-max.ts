// Mutant: each I/O sets the clock to the reported real time instead of the maximum seen, so an NTP step backwards makes Date.now() go back (new SpectreClock(100), onIo(50): now() is 50 instead of 100). (blind)

export class SpectreClock {
  #lastIoMs: number;

  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    this.#lastIoMs = realNowMs;
  }

  now(): number {
    return this.#lastIoMs;
  }
}
