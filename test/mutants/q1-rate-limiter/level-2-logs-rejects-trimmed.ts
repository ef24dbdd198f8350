// Mutant: appends every request to the log, rejected ones too (trimmed to the last `limit`), so a retrying client stays locked out (limit 1, windowMs 10: 0 admitted, 5 rejected, 10 is rejected though only 0 was admitted and it has left the window). (blind)

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
    let log = this.#logs.get(key);
    if (log === undefined) {
      log = [];
      this.#logs.set(key, log);
    }
    while (log.length > 0 && nowMs - log[0]! >= this.options.windowMs) log.shift();
    const allowed = log.length < this.options.limit;
    log.push(nowMs);
    // Keep memory O(limit): only the newest `limit` timestamps can matter.
    while (log.length > this.options.limit) log.shift();
    return allowed;
  }
}
