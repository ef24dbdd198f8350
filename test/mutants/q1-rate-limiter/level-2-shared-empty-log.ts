// Mutant: falls back to one shared empty array for unseen keys and stores that same array, so every new key shares one log (limit 1: ("a", 0) then ("b", 0) rejects "b"). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key in any interval of `windowMs` (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

const EMPTY_LOG: number[] = [];

export class SlidingLogLimiter {
  readonly #logs = new Map<string, number[]>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const log = this.#logs.get(key) ?? EMPTY_LOG;
    while (log.length > 0 && nowMs - log[0]! >= this.options.windowMs) log.shift();
    if (log.length >= this.options.limit) return false;
    log.push(nowMs);
    this.#logs.set(key, log);
    return true;
  }
}
