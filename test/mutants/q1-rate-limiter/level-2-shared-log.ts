// Mutant: one log shared by all keys.
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
    const log = this.#logs.get("all") ?? [];
    while (log.length > 0 && nowMs - log[0]! >= this.options.windowMs) log.shift();
    if (log.length >= this.options.limit) {
      this.#logs.set("all", log);
      return false;
    }
    log.push(nowMs);
    this.#logs.set("all", log);
    return true;
  }
}
