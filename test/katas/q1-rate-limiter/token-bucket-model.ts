export interface ModelDecision {
  allowed: boolean;
  retryAfterMs: number;
  /** The time the request was treated as: max(its time, the latest time seen for its key). */
  atMs: number;
}

/**
 * The suite's token-bucket model for one key, written the plainest way: credit in
 * milliseconds of refill (one token = periodMs), capped at burst·periodMs, a clock clamped to
 * the latest time seen. It is the reference the learner's TokenBucket and Gcra are compared
 * with, decision by decision and retryAfterMs by retryAfterMs.
 */
export function modelDecisions(times: readonly number[], burst: number, periodMs: number): ModelDecision[] {
  const capacityMs = burst * periodMs;
  let creditMs = capacityMs;
  let lastMs = Number.NEGATIVE_INFINITY;
  return times.map((raw) => {
    const t = Math.max(raw, lastMs);
    if (lastMs !== Number.NEGATIVE_INFINITY) creditMs = Math.min(capacityMs, creditMs + (t - lastMs));
    lastMs = t;
    if (creditMs < periodMs) return { allowed: false, retryAfterMs: periodMs - creditMs, atMs: t };
    creditMs -= periodMs;
    return { allowed: true, retryAfterMs: 0, atMs: t };
  });
}
