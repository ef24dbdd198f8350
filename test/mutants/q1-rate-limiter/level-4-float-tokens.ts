// Mutant: the token bucket counts fractional tokens (elapsed / periodMs) in floating point, so refills that should sum to one token fall short (burst 1, periodMs 10: admit at 0, then requests at 1, 2, …, 10 each add 0.1 and the one at 10 sees 0.9999999999999999 tokens and is rejected). (blind)

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
  tokens: number;
  lastMs: number;
}

export class TokenBucket {
  readonly #state = new Map<string, BucketState>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    let s = this.#state.get(key);
    if (s === undefined) {
      s = { tokens: burst, lastMs: nowMs };
      this.#state.set(key, s);
    }
    const t = Math.max(nowMs, s.lastMs);
    s.tokens = Math.min(burst, s.tokens + (t - s.lastMs) / periodMs);
    s.lastMs = t;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - s.tokens) * periodMs) };
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
    return { allowed: false, retryAfterMs: base - tauMs - t };
  }
}

