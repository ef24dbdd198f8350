// Mutant: a pairwise reduce with a correct-looking comparator; MED makes it non-transitive, so
// the winner depends on the order of the candidates.
import { compareRoutes, type RouteCandidate } from "../../../src/net/index.js";

export function selectBest<R extends RouteCandidate>(routes: readonly R[]): R | undefined {
  if (routes.length === 0) return undefined;
  return routes.reduce((best, r) => (compareRoutes(r, best) < 0 ? r : best));
}
