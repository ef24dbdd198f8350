import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateVolumetricAttack } from "../../../src/ddos/index.js";
import { AnycastNetwork, compareRoutes, nearestPopByGeography, selectBest, type AsNode, type RouteCandidate } from "../../../src/net/index.js";
import { FIXTURE_POP_CODES, fixtureCatchment, fixtureWorld, POP_SETS } from "./worlds.js";

// Popular claims about anycast and BGP that are false. Each test SEARCHES for a
// counter-example with fast-check and asserts that one is found, so the claim in the README
// ("the suite finds …") fails here the day the platform stops producing it.

describe("claims the suite refutes with a counter-example", () => {
  it("'aggregate capacity above the attack is enough' — a skewed catchment still overloads one PoP", () => {
    const details = fc.check(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: POP_SETS.length - 2 }),
        fc.integer({ min: 100, max: 5000 }),
        (seed, set, attackGbps) => {
          const catchment = fixtureCatchment(seed, POP_SETS[set] as readonly string[]);
          const pops = new Set(catchment.map((e) => e.popCode)).size;
          const legitGbps = 100;
          // Twice the offered load in aggregate, spread evenly: "we have twice the capacity".
          const capacityGbps = (2 * (legitGbps + attackGbps)) / pops;
          const out = simulateVolumetricAttack({ catchment, legitGbps, attackGbps, capacityGbps });
          return out.goodputFraction >= 0.99;
        },
      ),
      { seed: 4, numRuns: 200 },
    );
    expect(details.failed, "expected a counter-example: even capacity, twice the load in total, yet < 99% goodput").toBe(true);
    const [seed, set, attackGbps] = details.counterexample as [number, number, number];
    const catchment = fixtureCatchment(seed, POP_SETS[set] as readonly string[]);
    const pops = new Set(catchment.map((e) => e.popCode)).size;
    const capacityGbps = (2 * (100 + attackGbps)) / pops;
    const out = simulateVolumetricAttack({ catchment, legitGbps: 100, attackGbps, capacityGbps });
    const worst = out.pops.find((p) => p.overloaded);
    expect(worst, "the counter-example overloads at least one PoP").toBeDefined();
    expect(pops * capacityGbps).toBeGreaterThan(100 + attackGbps);
    expect(worst!.legitGbps + worst!.attackGbps).toBeGreaterThan(worst!.capacityGbps);
  });

  it("'anycast takes every client to its nearest PoP' — BGP policy sends some elsewhere", () => {
    const details = fc.check(
      fc.property(fc.integer({ min: 1, max: 4 }), (seed) => {
        const graph = fixtureWorld(seed);
        const net = new AnycastNetwork(graph);
        net.announce(FIXTURE_POP_CODES);
        return net.catchment().every((e) => e.popCode === nearestPopByGeography(graph, graph.nodes[e.accessNode] as AsNode, FIXTURE_POP_CODES));
      }),
      { seed: 1, numRuns: 4 },
    );
    expect(details.failed, "expected an eyeball network whose BGP catchment is not its nearest PoP").toBe(true);
  });

  it("'a pairwise reduce with the RFC comparator is best-path selection' — MED makes the winner order-dependent", () => {
    const route = fc.record({
      localPref: fc.constant(100),
      asPath: fc.constant([1]),
      origin: fc.constant("IGP" as const),
      med: fc.constantFrom(0, 5),
      neighborAs: fc.constantFrom(1, 2),
      ebgp: fc.constant(true),
      routerId: fc.integer({ min: 1, max: 9 }),
    });
    const details = fc.check(
      fc.property(fc.uniqueArray(route, { minLength: 3, maxLength: 3, selector: (r) => r.routerId }), (routes: RouteCandidate[]) => {
        const reduce = (rs: RouteCandidate[]): RouteCandidate => rs.reduce((best, r) => (compareRoutes(r, best) < 0 ? r : best));
        const winners = new Set([reduce(routes), reduce([...routes].reverse()), reduce([routes[1]!, routes[2]!, routes[0]!])]);
        return winners.size === 1 && winners.has(selectBest(routes)!);
      }),
      { seed: 7, numRuns: 500 },
    );
    expect(details.failed, "expected three routes whose reduce result depends on the order").toBe(true);
  });
});
