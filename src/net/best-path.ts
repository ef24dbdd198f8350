import { assert } from "../core/errors.js";

/** BGP ORIGIN attribute; RFC 4271 §5.1.1 orders IGP < EGP < INCOMPLETE. */
export type OriginType = "IGP" | "EGP" | "INCOMPLETE";

const ORIGIN_RANK: Readonly<Record<OriginType, number>> = { IGP: 0, EGP: 1, INCOMPLETE: 2 };

/** The attributes of one candidate route that the decision process looks at. */
export interface RouteCandidate {
  readonly localPref: number;
  /** AS_PATH as a sequence of ASNs, nearest AS first. */
  readonly asPath: readonly number[];
  readonly origin: OriginType;
  /** MULTI_EXIT_DISC; only comparable between routes from the same neighbour AS. */
  readonly med: number;
  /** The AS the route was learned from (the leftmost AS of the path for eBGP). */
  readonly neighborAs: number;
  readonly ebgp: boolean;
  /** Interior cost to the next hop (RFC 4271 §9.1.2.2 step e, "hot potato"). @defaultValue 0 */
  readonly igpCost?: number;
  /** BGP Identifier of the advertising router (step f). */
  readonly routerId: number;
}

/**
 * Pairwise preference: negative when `a` is preferred. MED is compared only when both routes
 * come from the same neighbour AS, which makes this relation NON-transitive (three routes can
 * form a cycle). Do not sort or reduce with it; `selectBest` is the order-independent process.
 */
export function compareRoutes(a: RouteCandidate, b: RouteCandidate): number {
  if (a.localPref !== b.localPref) return b.localPref - a.localPref;
  if (a.asPath.length !== b.asPath.length) return a.asPath.length - b.asPath.length;
  if (a.origin !== b.origin) return ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin];
  if (a.neighborAs === b.neighborAs && a.med !== b.med) return a.med - b.med;
  return compareAfterMed(a, b);
}

/** Steps d–f plus a final canonical key, so two distinct candidates never tie. */
function compareAfterMed(a: RouteCandidate, b: RouteCandidate): number {
  if (a.ebgp !== b.ebgp) return a.ebgp ? -1 : 1;
  const costA = a.igpCost ?? 0;
  const costB = b.igpCost ?? 0;
  if (costA !== costB) return costA - costB;
  if (a.routerId !== b.routerId) return (a.routerId >>> 0) - (b.routerId >>> 0);
  return canonicalKey(a) < canonicalKey(b) ? -1 : canonicalKey(a) > canonicalKey(b) ? 1 : 0;
}

function canonicalKey(r: RouteCandidate): string {
  return `${r.neighborAs}|${r.med}|${r.asPath.join(" ")}`;
}

// ANCHOR: select-best
/**
 * RFC 4271 §9.1.2.2 as an elimination process over the whole set: each step removes every
 * candidate that is not best on that attribute. MED elimination groups candidates by neighbour
 * AS first, so the winner does not depend on the order the candidates arrive in.
 */
export function selectBest<T extends RouteCandidate>(candidates: readonly T[]): T | undefined {
  if (candidates.length === 0) return undefined;
  let left = keepMin(candidates, (r) => -r.localPref);
  left = keepMin(left, (r) => r.asPath.length);
  left = keepMin(left, (r) => ORIGIN_RANK[r.origin]);
  left = eliminateByMedPerNeighbour(left);
  let best = left[0] as T;
  for (const r of left) if (compareAfterMed(r, best) < 0) best = r;
  return best;
}
// ANCHOR_END: select-best

function keepMin<T>(items: readonly T[], score: (item: T) => number): T[] {
  let min = Infinity;
  for (const item of items) min = Math.min(min, score(item));
  return items.filter((item) => score(item) === min);
}

function eliminateByMedPerNeighbour<T extends RouteCandidate>(items: readonly T[]): T[] {
  const minMedByNeighbour = new Map<number, number>();
  for (const r of items) {
    const current = minMedByNeighbour.get(r.neighborAs);
    if (current === undefined || r.med < current) minMedByNeighbour.set(r.neighborAs, r.med);
  }
  const kept = items.filter((r) => r.med === minMedByNeighbour.get(r.neighborAs));
  assert(kept.length > 0, "MED elimination keeps at least one route per neighbour AS");
  return kept;
}
