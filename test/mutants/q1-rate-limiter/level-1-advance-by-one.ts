// Mutant: on a new window advances the stored index by one instead of setting it, so after an idle gap every request resets the count (limit 1, windowMs 10: ("a",0), ("a",30), ("a",31) admits all three; the last must be rejected). (blind)

export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface KeyWindow {
  window: number;
  count: number;
}

export class FixedWindowLimiter {
  readonly #windows = new Map<string, KeyWindow>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    let w = this.#windows.get(key);
    if (w === undefined) {
      w = { window, count: 0 };
      this.#windows.set(key, w);
    } else if (window > w.window) {
      w.window++;
      w.count = 0;
    }
    if (w.count >= this.options.limit) return false;
    w.count++;
    return true;
  }
}
