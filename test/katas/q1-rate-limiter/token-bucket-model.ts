/**
 * The suite's token-bucket model for one key, written the plainest way (tokens as a count of
 * whole "periods" earned since the last spend are NOT tracked; credit is kept in milliseconds),
 * used as the reference the learner's TokenBucket and Gcra are compared with.
 */
export function modelDecisions(times: readonly number[], burst: number, periodMs: number): boolean[] {
  const capacityMs = burst * periodMs;
  let creditMs = capacityMs;
  let lastMs = Number.NEGATIVE_INFINITY;
  return times.map((raw) => {
    const t = lastMs === Number.NEGATIVE_INFINITY ? raw : Math.max(raw, lastMs);
    if (lastMs !== Number.NEGATIVE_INFINITY) creditMs = Math.min(capacityMs, creditMs + (t - lastMs));
    lastMs = t;
    if (creditMs < periodMs) return false;
    creditMs -= periodMs;
    return true;
  });
}
