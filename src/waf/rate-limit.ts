import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";
import type { Clock } from "../sim/clock.js";

// Cloudflare rate limiting rules accept these counting periods and mitigation timeouts
// (seconds; "Rate limiting parameters" in the WAF docs, via the facts registry).
export const RATE_LIMIT_PERIODS_S = fact("waf.rateLimitPeriodsSeconds").value;
export const RATE_LIMIT_MITIGATION_TIMEOUTS_S = fact("waf.rateLimitMitigationTimeoutsSeconds").value;

export interface RateLimitOptions {
  readonly periodSeconds: number;
  readonly requestsPerPeriod: number;
  /** How long a key stays blocked after exceeding; 0 blocks only the excess requests. */
  readonly mitigationTimeoutSeconds: number;
}

/**
 * Fixed-window counter per key (Cloudflare documents its counting as approximate; a fixed
 * window is the simplest approximation and is what the tests pin down). Memory is bounded by
 * the keys seen in one period: counts are dropped when the window rolls over.
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #limit: number;
  readonly #timeoutMs: number;
  #windowStartMs = -Infinity;
  readonly #counts = new Map<string, number>();
  readonly #blockedUntilMs = new Map<string, number>();

  constructor(clock: Clock, options: RateLimitOptions) {
    const { periodSeconds, requestsPerPeriod, mitigationTimeoutSeconds } = options;
    if (!(RATE_LIMIT_PERIODS_S as readonly number[]).includes(periodSeconds)) {
      throw new EdgeError("WAF_BAD_RATE_LIMIT", 400, `period ${periodSeconds}s is not one of ${RATE_LIMIT_PERIODS_S.join(", ")}`);
    }
    if (!(RATE_LIMIT_MITIGATION_TIMEOUTS_S as readonly number[]).includes(mitigationTimeoutSeconds)) {
      throw new EdgeError("WAF_BAD_RATE_LIMIT", 400, `mitigation timeout ${mitigationTimeoutSeconds}s is not one of ${RATE_LIMIT_MITIGATION_TIMEOUTS_S.join(", ")}`);
    }
    if (!Number.isInteger(requestsPerPeriod) || requestsPerPeriod < 1) {
      throw new EdgeError("WAF_BAD_RATE_LIMIT", 400, `requests per period ${requestsPerPeriod} must be an integer >= 1`);
    }
    this.#clock = clock;
    this.#periodMs = periodSeconds * 1000;
    this.#limit = requestsPerPeriod;
    this.#timeoutMs = mitigationTimeoutSeconds * 1000;
  }

  /** Counts one request for `key`; true when it is over the limit (or the key is mitigated). */
  hit(key: string): boolean {
    const now = this.#clock.nowMs();
    const windowStart = Math.floor(now / this.#periodMs) * this.#periodMs;
    if (windowStart !== this.#windowStartMs) {
      this.#windowStartMs = windowStart;
      this.#counts.clear();
      for (const [k, until] of this.#blockedUntilMs) if (until <= now) this.#blockedUntilMs.delete(k);
    }
    const blockedUntil = this.#blockedUntilMs.get(key);
    if (blockedUntil !== undefined && now < blockedUntil) return true;
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count <= this.#limit) return false;
    if (this.#timeoutMs > 0) this.#blockedUntilMs.set(key, now + this.#timeoutMs);
    return true;
  }
}
