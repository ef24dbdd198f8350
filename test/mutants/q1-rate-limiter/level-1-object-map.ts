// Mutant: keeps per-key state in two plain objects, so the key "__proto__" reads Object.prototype and its writes are ignored: it is never limited (limit 1, key "__proto__" at t=0 twice: both admitted). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowLimiter {
  readonly #windows: Record<string, number> = {};
  readonly #counts: Record<string, number> = {};

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    if (this.#windows[key] !== window) {
      this.#windows[key] = window;
      this.#counts[key] = 0;
    }
    if (this.#counts[key]! >= this.options.limit) return false;
    this.#counts[key]!++;
    return true;
  }
}
