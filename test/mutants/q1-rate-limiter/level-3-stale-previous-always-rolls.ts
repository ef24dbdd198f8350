// Mutant: rolling always moves `current` into `previous`, even after an idle gap of two or more windows, so a stale count lingers (limit 2, windowMs 10: admits at 8 and 9, then at 20 the estimate is 2, not 0, and the request is rejected). (blind)

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
    return { window, previous: s.current, current: 0 };
  }

  estimate(key: string, nowMs: number): number {
    const w = this.options.windowMs;
    const window = Math.floor(nowMs / w);
    const b = this.#rolled(key, window);
    const t = nowMs - window * w;
    return (b.previous * (w - t)) / w + b.current;
  }

  tryAcquire(key: string, nowMs: number): boolean {
    const w = this.options.windowMs;
    const window = Math.floor(nowMs / w);
    const b = this.#rolled(key, window);
    const t = nowMs - window * w;
    if (b.previous * (w - t) + b.current * w < this.options.limit * w) {
      this.#state.set(key, { window, previous: b.previous, current: b.current + 1 });
      return true;
    }
    this.#state.set(key, b);
    return false;
  }
}
