// Mutant: counts in one Map keyed by key + window index with no separator, so key "a1" in window 0 and key "a" in window 10 share the entry "a10" (limit 1, windowMs 1: ("a1", 0) then ("a", 10) rejects the second). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowLimiter {
  readonly #counts = new Map<string, number>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    const slot = key + window;
    const count = this.#counts.get(slot) ?? 0;
    if (count >= this.options.limit) return false;
    this.#counts.set(slot, count + 1);
    return true;
  }
}
