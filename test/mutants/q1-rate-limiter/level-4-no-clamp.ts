// Mutant: does not clamp a backwards clock: the bucket skips a negative refill but stores the earlier time, so the same time is earned twice (burst 1, periodMs 10: 0 admitted, 5 rejected, 0, then 5 is admitted with 10 ms of credit instead of 5). (blind)

export interface BucketOptions {
  /** Largest burst: tokens in a full bucket (≥ 1). */
  burst: number;
  /** Milliseconds to earn one token back (≥ 1). */
  periodMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** 0 when allowed; otherwise whole milliseconds until a retry is admitted. */
  retryAfterMs: number;
}

interface BucketState {
  creditMs: number;
  lastMs: number;
}

export class TokenBucket {
  readonly #state = new Map<string, BucketState>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const capacityMs = burst * periodMs;
    let s = this.#state.get(key);
    if (s === undefined) {
      s = { creditMs: capacityMs, lastMs: nowMs };
      this.#state.set(key, s);
    }
    const elapsed = nowMs - s.lastMs;
    if (elapsed > 0) s.creditMs = Math.min(capacityMs, s.creditMs + elapsed);
    s.lastMs = nowMs;
    if (s.creditMs >= periodMs) {
      s.creditMs -= periodMs;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: periodMs - s.creditMs };
  }
}

export class Gcra {
  readonly #tat = new Map<string, number>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const tauMs = (burst - 1) * periodMs;
    const base = Math.max(this.#tat.get(key) ?? nowMs, nowMs);
    if (base - nowMs <= tauMs) {
      this.#tat.set(key, base + periodMs);
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: base - tauMs - nowMs };
  }
}
