// Mutant: "compare in integers" done with 32-bit Math.imul, so previous · (W − t) overflows for realistic limits and windows (10⁴ admitted in one hour: the product 3.6·10¹⁰ wraps around and the next hour's first request is admitted).
export interface WindowLimiterOptions {
  limit: number;
  windowMs: number;
}

interface Buckets {
  window: number;
  current: number;
  previous: number;
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
    if (Math.imul(b.previous, w - t) + Math.imul(b.current, w) >= Math.imul(this.options.limit, w)) return false;
    b.current++;
    this.#buckets.set(key, b);
    return true;
  }

  #rolled(key: string, nowMs: number): Buckets {
    const window = Math.floor(nowMs / this.options.windowMs);
    const stored = this.#buckets.get(key);
    if (stored === undefined) return { window, current: 0, previous: 0 };
    if (stored.window === window) return { ...stored };
    if (stored.window === window - 1) return { window, current: 0, previous: stored.current };
    return { window, current: 0, previous: 0 };
  }
}
