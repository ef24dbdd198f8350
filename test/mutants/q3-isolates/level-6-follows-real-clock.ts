// Mutant: each I/O sets the time to the host's real clock, so when NTP steps the clock back the worker sees time go backwards.
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
