// Mutant: clamps to the latest time seen by the limiter across all keys instead of per key, so one key's late clock lends time to another (burst 1, periodMs 10: ("b", 0) admitted, ("a", 100), then ("b", 5) is treated as t=100 and admitted; it must be rejected with retry 5). (blind)

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
  #latestMs = Number.NEGATIVE_INFINITY;

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const capacityMs = burst * periodMs;
    const t = Math.max(nowMs, this.#latestMs);
    this.#latestMs = t;
    let s = this.#state.get(key);
    if (s === undefined) {
      s = { creditMs: capacityMs, lastMs: t };
      this.#state.set(key, s);
    }
    s.creditMs = Math.min(capacityMs, s.creditMs + (t - s.lastMs));
    s.lastMs = t;
    if (s.creditMs >= periodMs) {
      s.creditMs -= periodMs;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: periodMs - s.creditMs };
  }
}

export class Gcra {
  readonly #tat = new Map<string, number>();
  #latestMs = Number.NEGATIVE_INFINITY;

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const tauMs = (burst - 1) * periodMs;
    const t = Math.max(nowMs, this.#latestMs);
    this.#latestMs = t;
    const base = Math.max(this.#tat.get(key) ?? t, t);
    if (base - t <= tauMs) {
      this.#tat.set(key, base + periodMs);
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: base - tauMs - t };
  }
}
