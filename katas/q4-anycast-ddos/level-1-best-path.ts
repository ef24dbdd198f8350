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
// Because MED only compares routes of one neighbour AS, "is a better than b" is not transitive:
// a pairwise reduce or a sort can pick different winners for different orders.
// Hints: `npm run kata -- hint q4/1`. Grade: `npm run kata -- check q4/1`.
import type { RouteCandidate } from "../../src/net/index.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

/** `localPref`, `asPath`, `origin`, `med`, `neighborAs`, `ebgp`, `igpCost?`, `routerId`. */
export type Route = RouteCandidate;

export function selectBest<R extends Route>(routes: readonly R[]): R | undefined {
  // TODO: eliminate step by step over the whole set; MED per neighbour AS.
  throw new NotImplemented("selectBest");
}
