import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { selectBest as rfcSelectBest, type RouteCandidate } from "../../../src/net/index.js";

type SelectBest = <R extends RouteCandidate>(routes: readonly R[]) => R | undefined;

/**
 * Candidates from a tiny attribute space so that ties on the early steps are the norm and the
 * late steps (MED, eBGP, IGP cost, router id) decide. Router ids are distinct, so exactly one
 * route is best and "which one" is well defined.
 */
const routesArb: fc.Arbitrary<RouteCandidate[]> = fc
  .array(
    fc.record({
      localPref: fc.constantFrom(100, 200),
      pathLength: fc.integer({ min: 1, max: 3 }),
      origin: fc.constantFrom("IGP" as const, "EGP" as const, "INCOMPLETE" as const),
      med: fc.constantFrom(0, 5, 10),
      neighborAs: fc.constantFrom(64501, 64502, 64503),
      ebgp: fc.boolean(),
      igpCost: fc.constantFrom(undefined, 0, 10),
    }),
    { minLength: 1, maxLength: 7 },
  )
  .chain((specs) =>
    fc.shuffledSubarray([...Array(specs.length * 3).keys()].map((i) => 0x0a000001 + i * 7), { minLength: specs.length, maxLength: specs.length }).map((ids) =>
      specs.map(({ pathLength, igpCost, ...s }, i): RouteCandidate => ({
        ...s,
        asPath: [s.neighborAs, ...Array.from({ length: pathLength - 1 }, (_, k) => 65000 + k)],
        ...(igpCost !== undefined ? { igpCost } : {}),
        routerId: ids[i] as number,
      })),
    ),
  );

/** A permutation as sort keys, so fast-check can shrink it. */
const withOrder = routesArb.chain((routes) =>
  fc.tuple(fc.constant(routes), fc.array(fc.nat(1000), { minLength: routes.length, maxLength: routes.length })),
);

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items.map((item, i) => ({ item, key: keys[i] as number, i })).sort((a, b) => a.key - b.key || a.i - b.i).map((x) => x.item);
}

function describe(r: RouteCandidate | undefined): string {
  if (!r) return "undefined";
  return `{lp ${r.localPref}, path [${r.asPath.join(" ")}], ${r.origin}, med ${r.med} from AS${r.neighborAs}, ${r.ebgp ? "eBGP" : "iBGP"}, igp ${r.igpCost ?? 0}, id ${r.routerId}}`;
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

export const suite = defineLevel<SelectBest>({
  kata: "q4-anycast-ddos",
  level: 1,
  load: (m) => requireExport<SelectBest>(m, "selectBest"),
  probe: (selectBest) => selectBest(CYCLE),
  properties: [
    {
      name: "returns undefined for no routes and otherwise one of the candidates",
      run: (selectBest, ctx) =>
        check(
          fc.property(routesArb, (routes) => {
            if (selectBest([]) !== undefined) throw new Error("selectBest([]) must be undefined");
            const best = selectBest(routes);
            if (best === undefined || !routes.includes(best)) throw new Error(`returned ${describe(best)}, which is not one of the candidates`);
          }),
          ctx,
          { numRuns: 50 },
        ),
    },
    {
      name: "picks the route the RFC 4271 §9.1.2.2 decision process picks",
      run: (selectBest, ctx) =>
        check(
          fc.property(routesArb, (routes) => {
            const expected = rfcSelectBest(routes);
            const actual = selectBest(routes);
            if (actual !== expected) {
              throw new Error(`picked ${describe(actual)}\nexpected ${describe(expected)}\namong ${routes.map(describe).join("\n      ")}`);
            }
          }),
          ctx,
          { numRuns: 300, examples: [[CYCLE]] },
        ),
    },
    {
      name: "picks the same winner whatever the order of the candidates (the MED cycle included)",
      run: (selectBest, ctx) =>
        check(
          fc.property(withOrder, ([routes, keys]) => {
            const a = selectBest(routes);
            const b = selectBest(permute(routes, keys));
            const c = selectBest([...routes].reverse());
            if (a !== b || a !== c) throw new Error(`winner changed with the order: ${describe(a)} vs ${describe(b)} vs ${describe(c)}`);
          }),
          ctx,
          { numRuns: 300, examples: [[[CYCLE, [2, 0, 1]]], [[CYCLE, [1, 2, 0]]]] },
        ),
    },
  ],
});
