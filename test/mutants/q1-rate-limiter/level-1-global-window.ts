// Mutant: one "current window" for the whole limiter: when any request falls in another window, every key's count is cleared. Right while all keys share one sorted clock, wrong when keys arrive out of time order (limit 1, W 10: ("a", 15), ("b", 5), ("a", 16) admits the last one).
export interface WindowLimiterOptions {
  limit: number;
  windowMs: number;
}

export class FixedWindowLimiter {
  #window = Number.NEGATIVE_INFINITY;
  readonly #counts = new Map<string, number>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    if (window !== this.#window) {
      // A new window: forget every key's count at once (cheaper than one index per key).
      this.#window = window;
      this.#counts.clear();
    }
    const admitted = this.#counts.get(key) ?? 0;
    if (admitted >= this.options.limit) return false;
    this.#counts.set(key, admitted + 1);
    return true;
  }
}
