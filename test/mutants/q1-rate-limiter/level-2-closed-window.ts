// Mutant: drops an admission only when nowMs − a > windowMs, i.e. looks back over [nowMs − W, nowMs], so an admission exactly W old still counts (limit 1, windowMs 10: times 0 and 10 reject the second). (blind)

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
    while (log.length > 0 && nowMs - log[0]! > this.options.windowMs) log.shift();
    if (log.length >= this.options.limit) return false;
    log.push(nowMs);
    return true;
  }
}
