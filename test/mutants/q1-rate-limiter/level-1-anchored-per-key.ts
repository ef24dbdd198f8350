// Mutant: starts each key's window at its first request instead of at a multiple of windowMs, so with limit 1, windowMs 10 the requests ("a", 5) and ("a", 10), in aligned windows 0 and 1, reject the second. (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface KeyWindow {
  startMs: number;
  count: number;
}

export class FixedWindowLimiter {
  readonly #windows = new Map<string, KeyWindow>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    let w = this.#windows.get(key);
    if (w === undefined || nowMs >= w.startMs + this.options.windowMs) {
      w = { startMs: nowMs, count: 0 };
      this.#windows.set(key, w);
    }
    if (w.count >= this.options.limit) return false;
    w.count++;
    return true;
  }
}
