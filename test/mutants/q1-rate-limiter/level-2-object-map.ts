// Mutant: keeps logs in a plain object with `??=`, so keys such as "__proto__" and "constructor" resolve to inherited values (Object.prototype, the Object function) instead of fresh logs: ("__proto__", 0) throws "log.push is not a function", and "constructor" is rejected with limit 1 (Object.length is 1). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key in any interval of `windowMs` (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class SlidingLogLimiter {
  readonly #logs: Record<string, number[]> = {};

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const log = (this.#logs[key] ??= []);
    while (log.length > 0 && nowMs - log[0]! >= this.options.windowMs) log.shift();
    if (log.length >= this.options.limit) return false;
    log.push(nowMs);
    return true;
  }
}
