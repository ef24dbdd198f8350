// Mutant: between I/O events the clock interpolates with the host's monotonic clock, so a loop can time itself.
export class SpectreClock {
  #lastIoMs: number;
  #sinceIo = performance.now();
  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }
  onIo(realNowMs: number): void {
    this.#lastIoMs = Math.max(this.#lastIoMs, realNowMs);
    this.#sinceIo = performance.now();
  }
  now(): number {
    return this.#lastIoMs + (performance.now() - this.#sinceIo);
  }
}
