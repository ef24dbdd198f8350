import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareRoutes, selectBest, type RouteCandidate } from "../../../src/net/index.js";

const base: RouteCandidate = { localPref: 100, asPath: [1, 2], origin: "IGP", med: 0, neighborAs: 1, ebgp: true, routerId: 1 };
const route = (over: Partial<RouteCandidate>): RouteCandidate => ({ ...base, ...over });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

// The classic MED cycle: r1 beats r2 on MED (same neighbour AS), r3 beats r1 on router id,
// r2 beats r3 on router id. RFC 4271 §9.1.2.2 first removes r2 (worse MED within AS 100),
// leaving r1 vs r3, which r3 wins.
const r1 = route({ neighborAs: 100, asPath: [100, 9], med: 10, routerId: 3 });
const r2 = route({ neighborAs: 100, asPath: [100, 9], med: 20, routerId: 1 });
const r3 = route({ neighborAs: 200, asPath: [200, 9], med: 5, routerId: 2 });

describe("selectBest", () => {
  it("resolves the three-route MED cycle to the same route in every arrival order", () => {
    for (const order of permutations([r1, r2, r3])) expect(selectBest(order)).toBe(r3);
  });

  it("shows why a pairwise reduce is wrong: it depends on arrival order in the MED cycle", () => {
    const winners = new Set(
      permutations([r1, r2, r3]).map((order) => order.reduce((a, b) => (compareRoutes(b, a) < 0 ? b : a))),
    );
    expect(winners.size).toBeGreaterThan(1);
  });

  it("applies the decision steps in RFC 4271 order", () => {
    expect(selectBest([route({ localPref: 200, asPath: [1, 2, 3, 4] }), route({ localPref: 100 })])?.localPref).toBe(200);
    expect(selectBest([route({ asPath: [1, 2, 3], origin: "IGP" }), route({ asPath: [1], origin: "INCOMPLETE" })])?.asPath).toEqual([1]);
    expect(selectBest([route({ origin: "EGP", routerId: 1 }), route({ origin: "IGP", routerId: 9 })])?.origin).toBe("IGP");
    expect(selectBest([route({ med: 50, routerId: 1 }), route({ med: 10, routerId: 9 })])?.med).toBe(10);
    // MED is ignored across neighbour ASes, so the router id decides.
    expect(selectBest([route({ neighborAs: 7, med: 50, routerId: 1 }), route({ neighborAs: 8, med: 10, routerId: 9 })])?.routerId).toBe(1);
    expect(selectBest([route({ ebgp: false, routerId: 1 }), route({ ebgp: true, routerId: 9 })])?.ebgp).toBe(true);
    expect(selectBest([route({ routerId: 0xfffffff0 }), route({ routerId: 5 })])?.routerId).toBe(5);
    expect(selectBest([])).toBeUndefined();
  });

  const candidate = fc.record({
    localPref: fc.constantFrom(50, 100, 200),
    asPath: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    origin: fc.constantFrom("IGP" as const, "EGP" as const, "INCOMPLETE" as const),
    med: fc.integer({ min: 0, max: 3 }),
    neighborAs: fc.integer({ min: 1, max: 3 }),
    ebgp: fc.boolean(),
    routerId: fc.integer({ min: 0, max: 4 }),
  });

  it("picks the same route whatever order the candidates arrive in", () => {
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), (routes, stream) => {
        const shuffled = routes.map((r) => ({ r, k: stream.next().value as number })).sort((a, b) => a.k - b.k).map((x) => x.r);
        expect(selectBest(shuffled)).toStrictEqual(selectBest(routes));
      }),
      { numRuns: 300 },
    );
  });

  it("never picks a route beaten on local-pref, path length or origin by another candidate", () => {
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 1, maxLength: 8 }), (routes) => {
        const best = selectBest(routes) as RouteCandidate;
        const rank = { IGP: 0, EGP: 1, INCOMPLETE: 2 };
        for (const r of routes) {
          expect(best.localPref).toBeGreaterThanOrEqual(r.localPref);
          if (r.localPref === best.localPref) expect(best.asPath.length).toBeLessThanOrEqual(r.asPath.length);
          if (r.localPref === best.localPref && r.asPath.length === best.asPath.length)
            expect(rank[best.origin]).toBeLessThanOrEqual(rank[r.origin]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
