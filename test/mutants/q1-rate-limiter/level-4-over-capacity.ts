// Mutant: the token refill is not capped, so a long idle time banks more than `burst` tokens.
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
  /** Tokens, counted in milliseconds of refill (one token = periodMs), so arithmetic stays exact. */
  creditMs: number;
  lastMs: number;
}

export class TokenBucket {
  readonly #state = new Map<string, BucketState>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const capacityMs = burst * periodMs;
    const s = this.#state.get(key) ?? { creditMs: capacityMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const creditMs = s.creditMs + (t - s.lastMs);
    if (creditMs >= periodMs) {
      this.#state.set(key, { creditMs: creditMs - periodMs, lastMs: t });
      return { allowed: true, retryAfterMs: 0 };
    }
    this.#state.set(key, { creditMs, lastMs: t });
    return { allowed: false, retryAfterMs: periodMs - creditMs };
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
    const s = this.#state.get(key) ?? { tatMs: nowMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const tat = Math.max(s.tatMs, t);
    if (tat - t > tauMs) {
      this.#state.set(key, { tatMs: s.tatMs, lastMs: t });
      return { allowed: false, retryAfterMs: tat - tauMs - t };
    }
    this.#state.set(key, { tatMs: tat + periodMs, lastMs: t });
    return { allowed: true, retryAfterMs: 0 };
  }
}
