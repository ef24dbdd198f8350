// Mutant: compares MED across different neighbour ASes (always-compare-med): A(AS1,med 10,rid 1) vs B(AS2,med 0,rid 2) returns B, but MED must be ignored and the lower router id A wins. (blind)
import type { RouteCandidate } from "../../../src/net/index.js";

export type Route = RouteCandidate;

const ORIGIN_RANK: Record<RouteCandidate["origin"], number> = { IGP: 0, EGP: 1, INCOMPLETE: 2 };

function originRank(r: Route): number {
  return ORIGIN_RANK[r.origin];
}

function keepBest<R extends Route>(items: readonly R[], score: (r: R) => number): R[] {
  let min = Infinity;
  for (const r of items) min = Math.min(min, score(r));
  return items.filter((r) => score(r) === min);
}

function medStep<R extends Route>(items: readonly R[]): R[] {
  const lowest = new Map<number, number>();
  for (const r of items) {
    const cur = lowest.get(r.neighborAs);
    if (cur === undefined || r.med < cur) lowest.set(r.neighborAs, r.med);
  }
  return items.filter((r) => r.med === lowest.get(r.neighborAs));
}

function routerIdKey(r: Route): number {
  return r.routerId >>> 0;
}

function igp(r: Route): number {
  return r.igpCost ?? 0;
}

function tieKey(r: Route): string {
  return `${r.neighborAs}|${r.med}|${r.asPath.join(" ")}`;
}

export function selectBest<R extends Route>(routes: readonly R[]): R | undefined {
  if (routes.length === 0) return undefined;
  let left = keepBest(routes, (r) => -r.localPref);
  left = keepBest(left, (r) => r.asPath.length);
  left = keepBest(left, originRank);
  left = keepBest(left, (r) => r.med);
  left = keepBest(left, (r) => (r.ebgp ? 0 : 1));
  left = keepBest(left, igp);
  left = keepBest(left, routerIdKey);
  let best = left[0] as R;
  for (const r of left) if (tieKey(r) < tieKey(best)) best = r;
  return best;
}
