/**
 * The suite's model of Cloudflare's two-bucket estimate, computed from the list of admitted
 * times (not from buckets), so it shares no state-handling code with an implementation.
 */
export function modelEstimate(admitted: readonly number[], nowMs: number, windowMs: number): number {
  const w = Math.floor(nowMs / windowMs);
  let current = 0;
  let previous = 0;
  for (const a of admitted) {
    const aw = Math.floor(a / windowMs);
    if (aw === w) current++;
    else if (aw === w - 1) previous++;
  }
  const t = nowMs - w * windowMs;
  return (previous * (windowMs - t)) / windowMs + current;
}
