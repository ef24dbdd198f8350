// Mutant: the count lives in module scope, so every limiter (every client) shares one budget.
let window = Number.NEGATIVE_INFINITY;
let admitted = 0;
export class FixedWindowCounter {
  constructor(readonly options: { limit: number; windowMs: number }) {}
  tryAcquire(nowMs: number): boolean {
    const w = Math.floor(nowMs / this.options.windowMs);
    if (w !== window) {
      window = w;
      admitted = 0;
    }
    if (admitted < this.options.limit) {
      admitted++;
      return true;
    }
    return false;
  }
}
