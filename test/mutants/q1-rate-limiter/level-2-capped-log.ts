// Mutant: bounds memory with a fixed cap of 1 000 timestamps per key instead of `limit`, so with a realistic limit above 1 000 the log forgets admissions still in the window and admits more than `limit`.
export interface WindowLimiterOptions {
  limit: number;
  windowMs: number;
}

/** Memory bound per key. */
const LOG_ENTRIES_MAX = 1_000;

export class SlidingLogLimiter {
  readonly #logs = new Map<string, number[]>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const log = this.#logs.get(key) ?? [];
    this.#logs.set(key, log);
    while (log.length > 0 && nowMs - log[0]! >= this.options.windowMs) log.shift();
    if (log.length >= this.options.limit) return false;
    log.push(nowMs);
    if (log.length > LOG_ENTRIES_MAX) log.shift();
    return true;
  }
}
