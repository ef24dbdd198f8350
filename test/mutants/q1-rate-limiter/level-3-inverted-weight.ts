// Mutant: weights the previous window by t/W (the part of the current window elapsed) instead of (W − t)/W (the part of the previous window still overlapped) (limit 1, windowMs 10: admit at 9, then at 10 the estimate is 0 instead of 1 and the request is admitted). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key per window, as estimated (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface Buckets {
  window: number;
  previous: number;
  current: number;
}

export class SlidingWindowCounter {
  readonly #state = new Map<string, Buckets>();

  constructor(readonly options: WindowLimiterOptions) {}

  #rolled(key: string, window: number): Buckets {
    const s = this.#state.get(key);
    if (s === undefined) return { window, previous: 0, current: 0 };
    if (s.window === window) return s;
    if (window === s.window + 1) return { window, previous: s.current, current: 0 };
    return { window, previous: 0, current: 0 };
  }

  estimate(key: string, nowMs: number): number {
    const w = this.options.windowMs;
    const window = Math.floor(nowMs / w);
    const b = this.#rolled(key, window);
    const t = nowMs - window * w;
    // The previous window counts in proportion to how far we are into this one.
    return (b.previous * t) / w + b.current;
  }

  tryAcquire(key: string, nowMs: number): boolean {
    const w = this.options.windowMs;
    const window = Math.floor(nowMs / w);
    const b = this.#rolled(key, window);
    const t = nowMs - window * w;
    if (b.previous * t + b.current * w < this.options.limit * w) {
      this.#state.set(key, { window, previous: b.previous, current: b.current + 1 });
      return true;
    }
    this.#state.set(key, b);
    return false;
  }
}
