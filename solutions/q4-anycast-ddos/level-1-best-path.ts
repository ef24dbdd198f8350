// Q4 · level 1 · BGP best-path selection
// A router hears the same prefix from several neighbours and must install exactly one route.
// RFC 4271 §9.1.2.2 fixes the order every vendor follows (after local policy): highest
// LOCAL_PREF, shortest AS_PATH, lowest ORIGIN (IGP < EGP < INCOMPLETE), lowest MED — but only
// between routes from the SAME neighbour AS —, eBGP over iBGP, lowest interior cost to the
// next hop (`igpCost`, absent = 0), and finally the lowest BGP identifier (`routerId`).
//
// Implement `selectBest(routes)`: the best route of the set (the candidate object itself), or
// undefined for an empty set. Every number is an unsigned 32-bit integer: a `routerId` of
// 2^31 or more is larger than one below 2^31. Routes can tie on every step, router id included
// (two sessions to one router: only the peer address, which is not modelled, would decide);
// then any one of the tied routes is a right answer.
// Constraints: the winner must not depend on the order of `routes` (the suite shuffles them).
import type { OriginType, RouteCandidate } from "../../src/net/index.js";

export type Route = RouteCandidate;

const ORIGIN_RANK: Readonly<Record<OriginType, number>> = { IGP: 0, EGP: 1, INCOMPLETE: 2 };

export function selectBest<R extends Route>(routes: readonly R[]): R | undefined {
  // Each step keeps EVERY candidate that is best on its attribute, over the whole set at once:
  // an elimination never depends on the order the routes arrived in. An empty set stays empty
  // through every step, and `left[0]` is then undefined.
  let left = keepMin(routes, (r) => -r.localPref);
  left = keepMin(left, (r) => r.asPath.length);
  left = keepMin(left, (r) => ORIGIN_RANK[r.origin]);
  // RFC 4271 §9.1.2.2 (c): MED removes a route only if a route from the SAME neighbour AS has a
  // lower MED. Grouping first is what makes the result order-independent; comparing MED in a
  // pairwise reduce across neighbours creates the A > B > C > A cycle.
  const minMed = new Map<number, number>();
  for (const r of left) minMed.set(r.neighborAs, Math.min(r.med, minMed.get(r.neighborAs) ?? Infinity));
  left = left.filter((r) => r.med === minMed.get(r.neighborAs));
  left = keepMin(left, (r) => (r.ebgp ? 0 : 1));
  left = keepMin(left, (r) => r.igpCost ?? 0);
  // Router ids are unsigned 32-bit numbers: compare the numbers. (`| 0` or `>> 0` would make
  // every id from 2^31 up negative and prefer it.) What is left ties on every step: any will do.
  left = keepMin(left, (r) => r.routerId);
  return left[0];
}

function keepMin<R>(items: readonly R[], score: (item: R) => number): R[] {
  let min = Infinity;
  for (const item of items) min = Math.min(min, score(item));
  return items.filter((item) => score(item) === min);
}
