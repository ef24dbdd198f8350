// Mutant: the frozen time is rounded down to whole milliseconds, as Date.now() would be, so a host that passes 1700000000000.5 sees its worker read 1700000000000.

export class SpectreClock {
  #lastIoMs: number;

  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    // max, not assignment: a real clock stepped back by NTP must not make time run backwards
    // for the worker (code that measures durations would see negative ones).
    this.#lastIoMs = Math.max(this.#lastIoMs, realNowMs);
  }

  now(): number {
    // Nothing here reads a clock: between two I/O events every read is identical, so a
    // synchronous code path has no measurable duration.
    return Math.floor(this.#lastIoMs);
  }
}
