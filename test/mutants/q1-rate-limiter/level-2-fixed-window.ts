// Mutant: a fixed window in disguise: the log is cleared when the aligned window changes, so edges admit 2 × limit.
export interface WindowLimiterOptions {
  /** Requests admitted per key in any interval of `windowMs` (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class SlidingLogLimiter {
  readonly #logs = new Map<string, number[]>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const log = this.#logs.get(key) ?? [];
    if (log.length > 0 && Math.floor(log[0]! / this.options.windowMs) !== Math.floor(nowMs / this.options.windowMs)) log.length = 0;
    if (log.length >= this.options.limit) {
      this.#logs.set(key, log);
      return false;
    }
    log.push(nowMs);
    this.#logs.set(key, log);
    return true;
  }
}
