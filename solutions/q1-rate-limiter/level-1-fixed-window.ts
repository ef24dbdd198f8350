// Q1 · level 1 · Fixed window counter
// Your API sells "100 requests per minute per API key". The first limiter you ship counts
// requests in aligned windows [k·W, (k+1)·W) and forgets the count when the next window starts.
//
// Implement `FixedWindowLimiter.tryAcquire(key, nowMs)`: return true (admit) while fewer than
// `limit` requests of that key were admitted in the window of `nowMs`, false otherwise.
// Constraints: times are integer milliseconds (up to epoch-like values) and never decrease for
// one key, but requests of different keys may arrive out of time order (they are different
// clients); keys are any strings and never share a budget; use the `nowMs` you are given,
// never the real clock.

export interface WindowLimiterOptions {
  /** Requests admitted per key per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

interface WindowCount {
  window: number;
  admitted: number;
}

export class FixedWindowLimiter {
  // One entry per key: isolation comes from the map, not from one shared counter.
  readonly #counts = new Map<string, WindowCount>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    // floor, not round: a request at W-1 still belongs to window 0. The window comes from the
    // request's time, so the decision replays identically in a simulation.
    const window = Math.floor(nowMs / this.options.windowMs);
    let entry = this.#counts.get(key);
    if (entry === undefined || entry.window !== window) {
      // A new window starts from zero; only the current window's count is needed.
      entry = { window, admitted: 0 };
      this.#counts.set(key, entry);
    }
    // Strictly less: the limit-th request is the last one admitted.
    if (entry.admitted < this.options.limit) {
      entry.admitted++;
      return true;
    }
    return false;
  }
}
