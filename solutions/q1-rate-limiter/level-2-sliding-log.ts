// Q1 · level 2 · Sliding window log
// Level 1 let a client send `limit` requests at 0:59.999 and `limit` more at 1:00.000: twice
// the limit in one millisecond. The exact fix keeps, per key, the times of the admitted
// requests and looks back exactly one window from each new request.
//
// Implement `SlidingLogLimiter.tryAcquire(key, nowMs)`: admit iff fewer than `limit` requests
// of that key were admitted in (nowMs − windowMs, nowMs]. Then EVERY interval of length
// `windowMs` (not only the aligned ones) holds at most `limit` admissions, and a request is
// rejected only when admitting it would break that.
// Constraints: integer milliseconds, never decreasing for one key (different keys may arrive
// out of time order); keys are any strings; rejected requests do not count; memory per key is
// O(limit), with limits up to 10⁴; never read the real clock.

export interface WindowLimiterOptions {
  /** Requests admitted per key in any interval of `windowMs` (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class SlidingLogLimiter {
  // Admitted times per key, oldest first; never longer than `limit`.
  readonly #logs = new Map<string, number[]>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const log = this.#logs.get(key) ?? [];
    // A request at a is still in the window of nowMs while nowMs − a < windowMs: the window is
    // the half-open interval (nowMs − W, nowMs], so an admission exactly W ago has just left.
    while (log.length > 0 && nowMs - log[0]! >= this.options.windowMs) log.shift();
    if (log.length >= this.options.limit) {
      // Rejected requests are not logged: a client hammering a full window must not extend
      // its own ban (that would reject requests that break no interval).
      this.#logs.set(key, log);
      return false;
    }
    log.push(nowMs);
    this.#logs.set(key, log);
    return true;
  }
}
