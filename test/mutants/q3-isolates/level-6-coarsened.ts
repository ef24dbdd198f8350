// Mutant: also coarsens the frozen time to 100 ms, as browsers coarsen performance.now(), so after an I/O the clock is not the real time seen (new SpectreClock(1234): now() is 1200 instead of 1234). (blind)

const RESOLUTION_MS = 100;

export class SpectreClock {
  #highestMs: number;

  constructor(realNowMs: number) {
    this.#highestMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    this.#highestMs = Math.max(this.#highestMs, realNowMs);
  }

  now(): number {
    // Frozen between I/O, and coarse: no fine timer to build a cache-timing attack on.
    return Math.floor(this.#highestMs / RESOLUTION_MS) * RESOLUTION_MS;
  }
}
