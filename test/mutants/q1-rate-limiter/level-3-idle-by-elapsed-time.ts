// Mutant: reads "after an idle gap of a whole window, previous is 0" as elapsed time: previous is dropped when the key's last admission is W or more ago, even if it lies in window k − 1 (limit 1, W 10: admit at 0, then at 19 the estimate must be 0.1 from previous = 1, not 0).
export interface WindowLimiterOptions {
  limit: number;
  windowMs: number;
}

interface Buckets {
  window: number;
  current: number;
  previous: number;
  lastMs: number;
}

export class SlidingWindowCounter {
  readonly #buckets = new Map<string, Buckets>();

  constructor(readonly options: WindowLimiterOptions) {}

  estimate(key: string, nowMs: number): number {
    const b = this.#rolled(key, nowMs);
    const w = this.options.windowMs;
    const t = nowMs - b.window * w;
    return (b.previous * (w - t)) / w + b.current;
  }

  tryAcquire(key: string, nowMs: number): boolean {
    const b = this.#rolled(key, nowMs);
    const w = this.options.windowMs;
    const t = nowMs - b.window * w;
    if (b.previous * (w - t) + b.current * w >= this.options.limit * w) return false;
    b.current++;
    b.lastMs = nowMs;
    this.#buckets.set(key, b);
    return true;
  }

  #rolled(key: string, nowMs: number): Buckets {
    const w = this.options.windowMs;
    const window = Math.floor(nowMs / w);
    const stored = this.#buckets.get(key);
    if (stored === undefined) return { window, current: 0, previous: 0, lastMs: nowMs };
    // Idle for a whole window or more: nothing from before counts.
    if (nowMs - stored.lastMs >= w) return { window, current: 0, previous: 0, lastMs: stored.lastMs };
    if (stored.window === window) return { ...stored };
    return { window, current: 0, previous: stored.current, lastMs: stored.lastMs };
  }
}
