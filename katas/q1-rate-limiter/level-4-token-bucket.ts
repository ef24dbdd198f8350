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
// Hints: `npm run kata -- hint q1/4`. Grade: `npm run kata -- check q1/4`.
import { NotImplemented } from "../../src/kata/not-implemented.js";
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

export class TokenBucket {
  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    // TODO: refill by the time elapsed (capped at burst), spend one token, or say when to retry.
    throw new NotImplemented("TokenBucket.tryAcquire");
  }
}

export class Gcra {
  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    // TODO: one theoretical arrival time per key; τ = (burst − 1) · periodMs.
    throw new NotImplemented("Gcra.tryAcquire");
  }
}
