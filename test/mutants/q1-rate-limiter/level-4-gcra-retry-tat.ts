// Mutant: GCRA answers retryAfterMs = TAT − t (when the bucket is full again) instead of TAT − τ − t (when one token is back) (burst 2, periodMs 10: two admitted at 0, the third at 0 is told 20 ms; a retry at 10 is already admitted). (blind)

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
  /** Credit in milliseconds of refill: one token is `periodMs` of credit. */
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
    const t = Math.max(nowMs, s.lastMs);
    s.creditMs = Math.min(capacityMs, s.creditMs + (t - s.lastMs));
    s.lastMs = t;
    if (s.creditMs >= periodMs) {
      s.creditMs -= periodMs;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: periodMs - s.creditMs };
  }
}

interface GcraState {
  tatMs: number;
  lastMs: number;
}

export class Gcra {
  readonly #state = new Map<string, GcraState>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const tauMs = (burst - 1) * periodMs;
    let s = this.#state.get(key);
    if (s === undefined) {
      s = { tatMs: nowMs, lastMs: nowMs };
      this.#state.set(key, s);
    }
    const t = Math.max(nowMs, s.lastMs);
    s.lastMs = t;
    const base = Math.max(s.tatMs, t);
    if (base - t <= tauMs) {
      s.tatMs = base + periodMs;
      return { allowed: true, retryAfterMs: 0 };
    }
    // Come back at the theoretical arrival time.
    return { allowed: false, retryAfterMs: base - t };
  }
}
