import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/sim/index.js";
import { AnycastNetwork, generateAsGraph, type CatchmentEntry } from "../../../src/net/index.js";
import { simulateVolumetricAttack } from "../../../src/ddos/index.js";
import { TEST_CLIENTS, TEST_POPS } from "../net/world-fixture.js";

const POP_CAPACITY_GBPS = 200;

function catchments(seed: number): { anycast: CatchmentEntry[]; unicast: CatchmentEntry[] } {
  const graph = generateAsGraph({ rng: new Rng(seed), pops: TEST_POPS, clients: TEST_CLIENTS });
  const anycast = new AnycastNetwork(graph);
  anycast.announce(TEST_POPS.map((p) => p.code));
  const unicast = new AnycastNetwork(graph);
  unicast.announce(["IAD"]);
  return { anycast: anycast.catchment(), unicast: unicast.catchment() };
}

describe("simulateVolumetricAttack", () => {
  it("keeps legitimate goodput under anycast where the same attack collapses a unicast PoP", () => {
    for (const seed of [1, 2, 3]) {
      const { anycast, unicast } = catchments(seed);
      const scenario = { legitGbps: 50, attackGbps: 1000, capacityGbps: POP_CAPACITY_GBPS };
      const spread = simulateVolumetricAttack({ ...scenario, catchment: anycast });
      const single = simulateVolumetricAttack({ ...scenario, catchment: unicast });
      expect(spread.blackholedGbps).toBe(0);
      expect(spread.goodputFraction).toBeGreaterThan(0.9);
      expect(single.pops).toHaveLength(1);
      expect(single.goodputFraction).toBeLessThan(0.25);
      // Conservation: every Gbps of attack lands on some PoP.
      expect(spread.pops.reduce((sum, p) => sum + p.attackGbps, 0)).toBeCloseTo(1000, 6);
    }
  });

  it("still overloads one PoP when the botnet sits in one catchment, although total capacity is ample", () => {
    const { anycast } = catchments(1);
    // The whole botnet lives in one eyeball network of Mumbai (say, one compromised ISP).
    const infected = anycast.find((e) => e.clientId === "bom") as CatchmentEntry;
    const target = infected.popCode as string;
    const attackGbps = 600;
    expect(TEST_POPS.length * POP_CAPACITY_GBPS).toBeGreaterThan(attackGbps * 2);
    const outcome = simulateVolumetricAttack({
      catchment: anycast,
      legitGbps: 50,
      attackGbps,
      capacityGbps: POP_CAPACITY_GBPS,
      botWeight: (e) => (e.accessNode === infected.accessNode ? 1 : 0),
    });
    const overloaded = outcome.pops.filter((p) => p.overloaded);
    expect(overloaded.map((p) => p.popCode)).toEqual([target]);
    const hit = overloaded[0]!;
    expect(hit.goodputGbps / hit.legitGbps).toBeLessThan(0.5);
    for (const p of outcome.pops) if (p.popCode !== target) expect(p.goodputGbps).toBeCloseTo(p.legitGbps, 9);
  });

  it("rejects a negative attack and a PoP without capacity", () => {
    const { anycast } = catchments(1);
    expect(() => simulateVolumetricAttack({ catchment: anycast, legitGbps: 1, attackGbps: -1, capacityGbps: 1 })).toThrow(
      expect.objectContaining({ code: "DDOS_BAD_SCENARIO" }),
    );
    expect(() => simulateVolumetricAttack({ catchment: anycast, legitGbps: 1, attackGbps: 1, capacityGbps: {} })).toThrow(
      expect.objectContaining({ code: "DDOS_BAD_SCENARIO" }),
    );
  });
});
