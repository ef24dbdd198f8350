// Mutant: one bucket shared by all keys (the map is keyed by a constant).
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
  readonly #counts = new Map<string, WindowCount>();

  constructor(readonly options: WindowLimiterOptions) {}

  tryAcquire(key: string, nowMs: number): boolean {
    const window = Math.floor(nowMs / this.options.windowMs);
    let entry = this.#counts.get("all");
    if (entry === undefined || entry.window !== window) {
      entry = { window, admitted: 0 };
      this.#counts.set("all", entry);
    }
    if (entry.admitted < this.options.limit) {
      entry.admitted++;
      return true;
    }
    return false;
  }
}
