import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { selectBest as rfcSelectBest, type RouteCandidate } from "../../../src/net/index.js";

type SelectBest = <R extends RouteCandidate>(routes: readonly R[]) => R | undefined;

const U32_MAX = 0xffffffff;

/**
 * Router ids (BGP identifiers) are unsigned 32-bit. Half of them sit at or above 2^31, where
 * a signed comparison (`| 0`, `>> 0`) reverses the order.
 */
const routerIdArb = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, U32_MAX) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: U32_MAX }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x0a000001, max: 0x0a0000ff }) },
);

/** 2-byte and 4-byte ASNs, 2^31 and the last one included. */
const asnArb = fc.constantFrom(64501, 64502, 3356, 13335, 0x80000000, 4_200_000_000, U32_MAX);

/**
 * One candidate's attributes. Mostly from a tiny space, so that ties on the early steps are the
 * norm and the late steps (MED, eBGP, IGP cost, router id) decide; sometimes at the edges of
 * each attribute's 32-bit range, and sometimes long AS paths.
 */
interface Spec {
  readonly localPref: number;
  readonly pathLength: number;
  readonly origin: RouteCandidate["origin"];
  readonly med: number;
  readonly neighborAs: number;
  readonly ebgp: boolean;
  readonly igpCost: number | undefined;
}
const specArb = (neighbours: readonly number[]): fc.Arbitrary<Spec> =>
  fc.record({
    localPref: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(100, 200) }, { weight: 1, arbitrary: fc.constantFrom(0, 0x80000000, U32_MAX) }),
    pathLength: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 }) }),
    origin: fc.constantFrom("IGP" as const, "EGP" as const, "INCOMPLETE" as const),
    med: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 5, 10) }, { weight: 1, arbitrary: fc.constantFrom(0x7fffffff, 0x80000000, U32_MAX) }),
    neighborAs: fc.constantFrom(...neighbours),
    ebgp: fc.boolean(),
    igpCost: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(undefined, 0, 10) }, { weight: 1, arbitrary: fc.constantFrom(1, 0x80000000, U32_MAX) }),
  });

function build(specs: readonly Spec[], ids: readonly number[]): RouteCandidate[] {
  return specs.map(({ pathLength, igpCost, ...s }, i): RouteCandidate => ({
    ...s,
    asPath: pathLength === 0 ? [] : [s.neighborAs, ...Array.from({ length: pathLength - 1 }, (_, k) => 65000 + k)],
    ...(igpCost !== undefined ? { igpCost } : {}),
    routerId: ids[i] as number,
  }));
}

/**
 * Candidate sets: a handful (the usual router) or dozens (a route server at an exchange), from
 * three neighbour ASes. Router ids are distinct, or (one set in four) drawn from a pool of two
 * so that routes tie on every step, router id included.
 */
const routesArb: fc.Arbitrary<RouteCandidate[]> = fc
  .record({
    neighbours: fc.uniqueArray(asnArb, { minLength: 3, maxLength: 3 }),
    count: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 7 }) }, { weight: 1, arbitrary: fc.integer({ min: 8, max: 60 }) }),
    ties: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .chain(({ neighbours, count, ties }) =>
    fc
      .tuple(
        fc.array(specArb(neighbours), { minLength: count, maxLength: count }),
        ties
          ? fc.uniqueArray(routerIdArb, { minLength: 2, maxLength: 2 }).chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: count, maxLength: count }))
          : fc.uniqueArray(routerIdArb, { minLength: count, maxLength: count }),
      )
      .map(([specs, ids]) => build(specs, ids)),
  );

/** A permutation as sort keys, so fast-check can shrink it. */
const withOrder = routesArb.chain((routes) =>
  fc.tuple(fc.constant(routes), fc.array(fc.nat(1000), { minLength: routes.length, maxLength: routes.length })),
);

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items.map((item, i) => ({ item, key: keys[i] as number, i })).sort((a, b) => a.key - b.key || a.i - b.i).map((x) => x.item);
}

/**
 * Every route the decision process could return: the platform's winner and each route that
 * ties with it on every step, router id included (when only the peer address, which the level
 * does not model, would tell them apart, any of them is right).
 */
function tiedWinners(routes: readonly RouteCandidate[]): RouteCandidate[] {
  const w = rfcSelectBest(routes);
  if (w === undefined) return [];
  const early = routes.filter((r) => r.localPref === w.localPref && r.asPath.length === w.asPath.length && r.origin === w.origin);
  const minMed = new Map<number, number>();
  for (const r of early) minMed.set(r.neighborAs, Math.min(r.med, minMed.get(r.neighborAs) ?? Infinity));
  return early.filter(
    (r) => r.med === minMed.get(r.neighborAs) && r.ebgp === w.ebgp && (r.igpCost ?? 0) === (w.igpCost ?? 0) && r.routerId === w.routerId,
  );
}

function describe(r: RouteCandidate | undefined): string {
  if (!r) return "undefined";
  return `{lp ${r.localPref}, path [${r.asPath.join(" ")}], ${r.origin}, med ${r.med} from AS${r.neighborAs}, ${r.ebgp ? "eBGP" : "iBGP"}, igp ${r.igpCost ?? "absent"}, id ${r.routerId}}`;
}

function expectWinner(routes: readonly RouteCandidate[], actual: RouteCandidate | undefined, label: string): void {
  const allowed = tiedWinners(routes);
  if (actual !== undefined && allowed.includes(actual)) return;
  const which = routes.includes(actual as RouteCandidate) ? "" : " (not one of the candidates)";
  throw new Error(
    `${label}picked ${describe(actual)}${which}\nexpected ${allowed.map(describe).join(" or ")}\namong ${routes.map(describe).join("\n      ")}`,
  );
}

/**
 * The MED cycle: A beats B on MED (same neighbour AS), B beats C on router id, C beats A on
 * router id. Elimination removes B first, so C wins; a pairwise reduce returns A or C depending
 * on the order.
 */
const base = { localPref: 100, origin: "IGP" as const, ebgp: true };
const CYCLE: RouteCandidate[] = [
  { ...base, asPath: [64501, 65000], med: 0, neighborAs: 64501, routerId: 3 },
  { ...base, asPath: [64501, 65001], med: 5, neighborAs: 64501, routerId: 1 },
  { ...base, asPath: [64502, 65002], med: 0, neighborAs: 64502, routerId: 2 },
];

/** Exact cases, one per step that is easy to get backwards. */
const r = (over: Partial<RouteCandidate>): RouteCandidate => ({ ...base, asPath: [64501], med: 0, neighborAs: 64501, routerId: 7, ...over });
const EXAMPLES: RouteCandidate[][] = [
  // Router ids on both sides of 2^31: the lower unsigned id wins.
  [r({ routerId: 0x90000001 }), r({ routerId: 2, asPath: [64502], neighborAs: 64502 })],
  [r({ routerId: U32_MAX }), r({ routerId: 0x80000000 }), r({ routerId: 0x7fffffff })],
  // An absent IGP cost is 0: it beats a cost of 5, and ties with an explicit 0.
  [r({ igpCost: 5, routerId: 1 }), r({ routerId: 2 })],
  // eBGP before IGP cost: an eBGP route with cost 10 beats an iBGP route with cost 1.
  [r({ ebgp: false, igpCost: 1, routerId: 1 }), r({ igpCost: 10, routerId: 2 })],
  // ORIGIN: IGP < EGP < INCOMPLETE (not alphabetical).
  [r({ origin: "EGP", routerId: 1 }), r({ origin: "IGP", routerId: 2 }), r({ origin: "INCOMPLETE", routerId: 0 })],
  // MED between different neighbour ASes is ignored; the router id decides.
  [r({ med: 10, routerId: 1 }), r({ med: 0, asPath: [64502], neighborAs: 64502, routerId: 2 })],
  // Two sessions to one router: a full tie; either route is right.
  [r({ routerId: 5, asPath: [64501, 1] }), r({ routerId: 5, asPath: [64501, 2] })],
  CYCLE,
];

export const suite = defineLevel<SelectBest>({
  kata: "q4-anycast-ddos",
  level: 1,
  load: (m) => requireExport<SelectBest>(m, "selectBest"),
  probe: (selectBest) => selectBest(CYCLE),
  properties: [
    {
      name: "picks the route the RFC 4271 §9.1.2.2 decision process picks (any of the routes that tie on every step), undefined for none",
      run: (selectBest, ctx) =>
        check(
          fc.property(routesArb, (routes) => {
            if (selectBest([]) !== undefined) throw new Error("selectBest([]) must be undefined");
            expectWinner(routes, selectBest(routes), "");
          }),
          ctx,
          { numRuns: 400, examples: EXAMPLES.map((routes) => [routes] as [RouteCandidate[]]) },
        ),
    },
    {
      name: "picks the same winner whatever the order of the candidates (the MED cycle included)",
      run: (selectBest, ctx) =>
        check(
          fc.property(withOrder, ([routes, keys]) => {
            expectWinner(routes, selectBest(permute(routes, keys)), "in another order, ");
            expectWinner(routes, selectBest([...routes].reverse()), "in reverse order, ");
          }),
          ctx,
          { numRuns: 300, examples: [[[CYCLE, [2, 0, 1]]], [[CYCLE, [1, 2, 0]]], [[CYCLE, [0, 2, 1]]]] },
        ),
    },
  ],
});
