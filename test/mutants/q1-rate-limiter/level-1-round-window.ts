// Mutant: `Math.round` instead of `Math.floor` for the window index, so the second half of a window counts against the next one.
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
    const window = Math.round(nowMs / this.options.windowMs);
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
