// Mutant: builds a monotonic clock by adding the size of every backwards step to an offset, so after the real clock steps back, later I/O times are shifted past the highest real time seen (new SpectreClock(100), onIo(50), onIo(60): now() is 110 instead of 100). (blind)

export class SpectreClock {
  #offsetMs = 0;
  #lastRealMs: number;
  #nowMs: number;

  constructor(realNowMs: number) {
    this.#lastRealMs = realNowMs;
    this.#nowMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    // An NTP step backwards: absorb it so that time keeps flowing forward from where it was.
    if (realNowMs < this.#lastRealMs) this.#offsetMs += this.#lastRealMs - realNowMs;
    this.#lastRealMs = realNowMs;
    this.#nowMs = realNowMs + this.#offsetMs;
  }

  now(): number {
    return this.#nowMs;
  }
}
