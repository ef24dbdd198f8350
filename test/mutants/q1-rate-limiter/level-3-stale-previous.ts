// Mutant: after an idle gap the last counted window is still used as the previous bucket, however old it is.
export interface WindowLimiterOptions {
  /** Requests admitted per key per window, as estimated (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface Buckets {
  /** Index of the aligned window that `current` counts. */
  window: number;
  current: number;
  previous: number;
}

export class SlidingWindowCounter {
  readonly #buckets = new Map<string, Buckets>();

  constructor(readonly options: WindowLimiterOptions) {}

  estimate(key: string, nowMs: number): number {
    const { window, current, previous } = this.#rolled(key, nowMs);
    const t = nowMs - window * this.options.windowMs;
    return (previous * (this.options.windowMs - t)) / this.options.windowMs + current;
  }

  tryAcquire(key: string, nowMs: number): boolean {
    const b = this.#rolled(key, nowMs);
    const w = this.options.windowMs;
    const t = nowMs - b.window * w;
    if (b.previous * (w - t) + b.current * w >= this.options.limit * w) return false;
    b.current++;
    this.#buckets.set(key, b);
    return true;
  }

  /** The buckets as they are in the window of nowMs (a copy; the stored ones are not touched). */
  #rolled(key: string, nowMs: number): Buckets {
    const window = Math.floor(nowMs / this.options.windowMs);
    const stored = this.#buckets.get(key);
    if (stored === undefined) return { window, current: 0, previous: 0 };
    if (stored.window === window) return { ...stored };
    if (stored.window < window) return { window, current: 0, previous: stored.current };
    return { window, current: 0, previous: 0 };
  }
}
