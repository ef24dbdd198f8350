import { describe, expect, it } from "vitest";
import { CLIENT_POPULATIONS, LatencyModel, POPS, Rng } from "../../../src/sim/index.js";
import {
  AnycastNetwork,
  catchmentLatency,
  generateAsGraph,
  isValleyFree,
  nearestPopByGeography,
  type AsGraph,
} from "../../../src/net/index.js";
import { TEST_CLIENTS, TEST_POPS } from "./world-fixture.js";

const ALL = TEST_POPS.map((p) => p.code);
const SEEDS = [1, 2, 3, 4];

function world(seed: number): AsGraph {
  return generateAsGraph({ rng: new Rng(seed), pops: TEST_POPS, clients: TEST_CLIENTS });
}

function anycast(graph: AsGraph, pops: readonly string[] = ALL): AnycastNetwork {
  const net = new AnycastNetwork(graph);
  net.announce(pops);
  return net;
}

describe("AnycastNetwork", () => {
  it("gives every eyeball network a PoP over a valley-free path", () => {
    for (const seed of SEEDS) {
      const graph = world(seed);
      const net = anycast(graph);
      const catchment = net.catchment();
      expect(catchment.length).toBeGreaterThanOrEqual(TEST_CLIENTS.length);
      for (const entry of catchment) {
        expect(entry.popCode).not.toBeNull();
        const path = net.forwardingPath(entry.accessNode) as number[];
        expect(graph.nodes[path.at(-1) as number]?.popCode).toBe(entry.popCode);
        expect(isValleyFree(graph, path)).toBe(true);
      }
    }
  });

  it("routes by BGP, not geography: some clients land on a PoP that is not their nearest", () => {
    for (const seed of SEEDS) {
      const graph = world(seed);
      const entries = anycast(graph).catchment();
      const notNearest = entries.filter((e) => e.popCode !== nearestPopByGeography(graph, graph.nodes[e.accessNode]!, ALL));
      expect(notNearest.length).toBeGreaterThan(0);
      expect(notNearest.length).toBeLessThan(entries.length);
    }
  });

  it("moves only the withdrawn PoP's clients, and black-holes none of them", () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const graph = world(seed);
      for (const gone of ["LHR", "IAD", "SIN"]) {
        const net = anycast(graph);
        const before = net.catchment();
        net.withdraw(gone);
        const after = net.catchment();
        expect(net.announcing()).not.toContain(gone);
        const hit = before.filter((e) => e.popCode === gone);
        for (const [i, entry] of before.entries()) {
          const now = after[i]!;
          expect(now.accessNode).toBe(entry.accessNode);
          expect(now.popCode).not.toBeNull();
          expect(now.popCode).not.toBe(gone);
          // Not a BGP theorem (a neighbour's new, shorter route can lure a bystander), but it
          // holds on these hierarchical topologies and is what operators expect to see.
          if (entry.popCode !== gone) expect(now.popCode).toBe(entry.popCode);
        }
        if (seed === 1) expect(hit.length).toBeGreaterThan(0);
      }
    }
  });

  it("serves clients closer than unicast from one PoP", () => {
    for (const seed of SEEDS) {
      const graph = world(seed);
      const latency = new LatencyModel({ rng: new Rng(seed) });
      const any = catchmentLatency(graph, anycast(graph).catchment(), latency);
      const uni = catchmentLatency(graph, anycast(graph, ["IAD"]).catchment(), latency);
      expect(any.medianMs * 3).toBeLessThan(uni.medianMs);
      expect(any.p90Ms).toBeLessThan(uni.p90Ms);
    }
  });

  it("covers every eyeball network of the shared PoP dataset, whatever its size", () => {
    const graph = generateAsGraph({ rng: new Rng(2026), pops: POPS, clients: CLIENT_POPULATIONS });
    const entries = anycast(graph, POPS.map((p) => p.code)).catchment();
    expect(new Set(entries.map((e) => e.clientId))).toEqual(new Set(CLIENT_POPULATIONS.map((c) => c.id)));
    expect(entries.filter((e) => e.popCode === null)).toEqual([]);
  });

  it("is deterministic for a seed", () => {
    const a = anycast(world(9)).catchment();
    const b = anycast(world(9)).catchment();
    expect(b).toEqual(a);
  });
});
