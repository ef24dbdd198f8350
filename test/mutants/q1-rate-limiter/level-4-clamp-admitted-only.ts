// Mutant: reads "rejected requests change nothing" literally: a rejected request's time is not remembered, so a later request whose clock jumped back is clamped only to the last admission (burst 1, T 10: 0 admitted, 8 rejected, then 3 must be treated as 8 and told to retry after 2 ms, not 7).
export interface BucketOptions {
  burst: number;
  periodMs: number;
}

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

export class TokenBucket {
  readonly #state = new Map<string, { creditMs: number; lastMs: number }>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const capacityMs = burst * periodMs;
    const s = this.#state.get(key) ?? { creditMs: capacityMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const creditMs = Math.min(capacityMs, s.creditMs + (t - s.lastMs));
    if (creditMs >= periodMs) {
      this.#state.set(key, { creditMs: creditMs - periodMs, lastMs: t });
      return { allowed: true, retryAfterMs: 0 };
    }
    // A reject changes nothing.
    if (!this.#state.has(key)) this.#state.set(key, s);
    return { allowed: false, retryAfterMs: periodMs - creditMs };
  }
}

export class Gcra {
  readonly #state = new Map<string, { tatMs: number; lastMs: number }>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const tauMs = (burst - 1) * periodMs;
    const s = this.#state.get(key) ?? { tatMs: nowMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const tat = Math.max(s.tatMs, t);
    if (tat - t > tauMs) return { allowed: false, retryAfterMs: tat - tauMs - t };
    this.#state.set(key, { tatMs: tat + periodMs, lastMs: t });
    return { allowed: true, retryAfterMs: 0 };
  }
}
