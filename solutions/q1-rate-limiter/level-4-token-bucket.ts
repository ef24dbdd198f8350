// Q1 · level 4 · Token bucket and GCRA
// Windows, fixed or sliding, say "L per W". Real APIs say "a burst of B, then one request
// every T ms", and well-behaved clients want to be told WHEN to come back (the HTTP
// Retry-After header, RFC 9110 §10.2.3). A token bucket holds up to B tokens, gains one every
// T ms and spends one per admitted request. GCRA (the Generic Cell Rate Algorithm of ATM
// networks, used by many API gateways) makes the same decisions with ONE number per key: the
// theoretical arrival time TAT; with τ = (B − 1)·T a request at t is admitted iff
// max(TAT, t) − t ≤ τ, and then TAT becomes max(TAT, t) + T.
//
// Implement `TokenBucket` and `Gcra`, both with tryAcquire(key, nowMs): RateDecision.
//   allowed       whether the request is admitted (a full bucket starts with B tokens);
//   retryAfterMs  0 when allowed; otherwise the exact wait: retrying at t + retryAfterMs is
//                 admitted, one millisecond earlier is not (if nothing else happens), where t
//                 is the time the request was treated as (next paragraph).
// Both must make exactly the same decisions and retryAfterMs. A clock may jump backwards: each
// request, admitted or rejected, is treated as happening at t = max(nowMs, the latest t of that
// key), so going back never earns tokens; the latest t is per key, not per limiter. Rejected
// requests spend nothing (only their t is remembered).
// Constraints: integer milliseconds; bursts up to 10⁴, periods from 1 ms to hours; keys are
// any strings; no floating-point token fractions that can round; no real clock.

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
    // Clamp: a clock that jumps back must not earn the same time twice when it jumps forward.
    const t = Math.max(nowMs, s.lastMs);
    // Cap at the bucket size: idle time beyond a full bucket is not banked.
    const creditMs = Math.min(capacityMs, s.creditMs + (t - s.lastMs));
    if (creditMs >= periodMs) {
      this.#state.set(key, { creditMs: creditMs - periodMs, lastMs: t });
      return { allowed: true, retryAfterMs: 0 };
    }
    // The refill is kept even on a reject (the time really passed); only the spend is skipped.
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
    // τ = (B − 1)·T: how far ahead of schedule a client may run, i.e. the burst beyond one.
    const tauMs = (burst - 1) * periodMs;
    const s = this.#state.get(key) ?? { tatMs: nowMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const tat = Math.max(s.tatMs, t);
    if (tat - t > tauMs) {
      // A reject leaves TAT alone: only admitted requests use up the schedule.
      this.#state.set(key, { tatMs: s.tatMs, lastMs: t });
      return { allowed: false, retryAfterMs: tat - tauMs - t };
    }
    this.#state.set(key, { tatMs: tat + periodMs, lastMs: t });
    return { allowed: true, retryAfterMs: 0 };
  }
}
