// Mutant: measures t from the first request of the current window rather than from its aligned start k·W, so the previous window is over-weighted (limit 1, windowMs 10: admit at 9, then at 15 t is 0 instead of 5, the estimate 1 instead of 0.5, and the request is rejected). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key per window, as estimated (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface Buckets {
  window: number;
  /** When the current window started for this key: its first request. */
  startMs: number;
  previous: number;
  current: number;
}

export class SlidingWindowCounter {
  readonly #state = new Map<string, Buckets>();

  constructor(readonly options: WindowLimiterOptions) {}

  #rolled(key: string, window: number, nowMs: number): Buckets {
    const s = this.#state.get(key);
    if (s === undefined) return { window, startMs: nowMs, previous: 0, current: 0 };
    if (s.window === window) return s;
    if (window === s.window + 1) return { window, startMs: nowMs, previous: s.current, current: 0 };
    return { window, startMs: nowMs, previous: 0, current: 0 };
  }

  estimate(key: string, nowMs: number): number {
    const w = this.options.windowMs;
    const b = this.#rolled(key, Math.floor(nowMs / w), nowMs);
    const t = nowMs - b.startMs;
    return (b.previous * (w - t)) / w + b.current;
  }

  tryAcquire(key: string, nowMs: number): boolean {
    const w = this.options.windowMs;
    const b = this.#rolled(key, Math.floor(nowMs / w), nowMs);
    const t = nowMs - b.startMs;
    if (b.previous * (w - t) + b.current * w < this.options.limit * w) {
      this.#state.set(key, { ...b, current: b.current + 1 });
      return true;
    }
    this.#state.set(key, b);
    return false;
  }
}
