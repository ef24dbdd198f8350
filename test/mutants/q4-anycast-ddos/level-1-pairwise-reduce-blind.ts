// Mutant: a pairwise reduce with the same-neighbour MED comparator is order-dependent: A(AS1,med 5,rid 1), B(AS1,med 1,rid 3), C(AS2,med 0,rid 2) gives C, A or B depending on arrival order (elimination always picks C). (blind)
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

function better(a: Route, b: Route): boolean {
  if (a.localPref !== b.localPref) return a.localPref > b.localPref;
  if (a.asPath.length !== b.asPath.length) return a.asPath.length < b.asPath.length;
  if (a.origin !== b.origin) return originRank(a) < originRank(b);
  if (a.neighborAs === b.neighborAs && a.med !== b.med) return a.med < b.med;
  if (a.ebgp !== b.ebgp) return a.ebgp;
  if (igp(a) !== igp(b)) return igp(a) < igp(b);
  if (routerIdKey(a) !== routerIdKey(b)) return routerIdKey(a) < routerIdKey(b);
  return tieKey(a) < tieKey(b);
}

export function selectBest<R extends Route>(routes: readonly R[]): R | undefined {
  if (routes.length === 0) return undefined;
  // Keep MED in the comparator, only when both routes come from the same neighbour AS.
  return routes.reduce((best, r) => (better(r, best) ? r : best));
}
