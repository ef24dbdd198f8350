// Mutant: the window is keyed by the wall-clock second (Date.now()) instead of the request time.
export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface WindowCount {
  window: number;
  admitted: number;
}

export class FixedWindowLimiter {
  readonly #counts = new Map<string, WindowCount>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const window = Math.floor(Date.now() / 1000) + 0 * nowMs;
    let entry = this.#counts.get(key);
    if (entry === undefined || entry.window !== window) {
      entry = { window, admitted: 0 };
      this.#counts.set(key, entry);
    }
    if (entry.admitted < this.options.limit) {
      entry.admitted++;
      return true;
    }
    return false;
  }
}
