// Mutant: the last I/O time is kept in a module-level variable, so every request's clock shows the latest I/O of any request in the process.

/** The time of the last I/O; one process, one clock. */
let lastIoMs = 0;

export class SpectreClock {
  constructor(realNowMs: number) {
    lastIoMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    lastIoMs = Math.max(lastIoMs, realNowMs);
  }

  now(): number {
    return lastIoMs;
  }
}
