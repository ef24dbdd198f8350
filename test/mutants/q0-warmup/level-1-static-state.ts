// Mutant: keeps the window index and count in static fields, so two limiters share one budget (limit 1: limiter A admits at t=0, then limiter B at t=0 is rejected). (blind)

export interface FixedWindowOptions {
  /** Requests admitted per window (≥ 1). */
  limit: number;
  /** Window length in milliseconds (≥ 1). */
  windowMs: number;
}

export class FixedWindowCounter {
  static window = -1;
  static count = 0;

  constructor(readonly options: FixedWindowOptions) {}

  tryAcquire(nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    if (window !== FixedWindowCounter.window) {
      FixedWindowCounter.window = window;
      FixedWindowCounter.count = 0;
    }
    if (FixedWindowCounter.count >= this.options.limit) return false;
    FixedWindowCounter.count++;
    return true;
  }
}
