// Mutant: prefers iBGP over eBGP routes (the step is inverted), and skips the IGP cost step.
import type { RouteCandidate } from "../../../src/net/index.js";

const ORIGIN_RANK = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

export function selectBest<R extends RouteCandidate>(routes: readonly R[]): R | undefined {
  if (routes.length === 0) return undefined;
  let left = keepMin(routes, (r) => -r.localPref);
  left = keepMin(left, (r) => r.asPath.length);
  left = keepMin(left, (r) => ORIGIN_RANK[r.origin]);
  const minMed = new Map<number, number>();
  for (const r of left) minMed.set(r.neighborAs, Math.min(r.med, minMed.get(r.neighborAs) ?? Infinity));
  left = left.filter((r) => r.med === minMed.get(r.neighborAs));
  left = keepMin(left, (r) => (r.ebgp ? 1 : 0));
  left = keepMin(left, (r) => r.routerId >>> 0);
  return left[0];
}

function keepMin<R>(items: readonly R[], score: (item: R) => number): R[] {
  let min = Infinity;
  for (const item of items) min = Math.min(min, score(item));
  return items.filter((item) => score(item) === min);
}
