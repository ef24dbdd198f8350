/**
 * The suite's model of Cloudflare's two-bucket estimate, computed from the admitted count of
 * every aligned window (not from two rolling buckets), so it shares no state-handling code
 * with an implementation: `previous` is simply the count of window k − 1.
 */
export class SlidingCounterModel {
  readonly #counts = new Map<string, Map<number, number>>();

  constructor(readonly windowMs: number) {}

  admit(key: string, nowMs: number): void {
    const perWindow = this.#counts.get(key) ?? new Map<number, number>();
    this.#counts.set(key, perWindow);
    const w = Math.floor(nowMs / this.windowMs);
    perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
  }

  #parts(key: string, nowMs: number): { previous: number; current: number; t: number } {
    const w = Math.floor(nowMs / this.windowMs);
    const perWindow = this.#counts.get(key);
    return { previous: perWindow?.get(w - 1) ?? 0, current: perWindow?.get(w) ?? 0, t: nowMs - w * this.windowMs };
  }

  estimate(key: string, nowMs: number): number {
    const { previous, current, t } = this.#parts(key, nowMs);
    return (previous * (this.windowMs - t)) / this.windowMs + current;
  }

  describe(key: string, nowMs: number): string {
    const { previous, current, t } = this.#parts(key, nowMs);
    return `window ${Math.floor(nowMs / this.windowMs)}: previous ${previous}, current ${current}, t ${t} of W ${this.windowMs}`;
  }
}
