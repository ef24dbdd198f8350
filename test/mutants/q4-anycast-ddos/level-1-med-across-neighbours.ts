// Mutant: MED is compared across all routes, not only between routes from the same neighbour AS.
import type { RouteCandidate } from "../../../src/net/index.js";

const ORIGIN_RANK = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

export function selectBest<R extends RouteCandidate>(routes: readonly R[]): R | undefined {
  if (routes.length === 0) return undefined;
  let left = keepMin(routes, (r) => -r.localPref);
  left = keepMin(left, (r) => r.asPath.length);
  left = keepMin(left, (r) => ORIGIN_RANK[r.origin]);
  left = keepMin(left, (r) => r.med);
  left = keepMin(left, (r) => (r.ebgp ? 0 : 1));
  left = keepMin(left, (r) => r.igpCost ?? 0);
  left = keepMin(left, (r) => r.routerId >>> 0);
  return left[0];
}

function keepMin<R>(items: readonly R[], score: (item: R) => number): R[] {
  let min = Infinity;
  for (const item of items) min = Math.min(min, score(item));
  return items.filter((item) => score(item) === min);
}
