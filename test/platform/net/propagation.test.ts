import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng } from "../../../src/sim/index.js";
import { AsGraphBuilder, BgpNetwork, isValleyFree, type AsGraph } from "../../../src/net/index.js";

interface SmallWorld {
  graph: AsGraph;
  origins: number[];
}

/**
 * Random small Internets that respect the Gao-Rexford conditions: providers sit in a higher
 * tier than their customers (no customer-provider cycle), peers are anywhere.
 */
const smallWorld = fc
  .record({
    tiers: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 12 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 30 }),
    origins: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  })
  .map(({ tiers, edges, origins }): SmallWorld => {
    const b = new AsGraphBuilder();
    for (const [i] of tiers.entries()) b.addNode({ kind: "transit", region: "EU", lat: i, lon: i });
    for (const [x, y, peer] of edges) {
      const a = x % tiers.length;
      const c = y % tiers.length;
      if (a === c || b.hasLink(a, c)) continue;
      const [ta, tc] = [tiers[a] as number, tiers[c] as number];
      if (peer || ta === tc) b.addPeering(a, c);
      else if (ta < tc) b.addCustomerProvider(a, c);
      else b.addCustomerProvider(c, a);
    }
    return { graph: b.build(), origins: [...new Set(origins.map((o) => o % tiers.length))] };
  });

const PREFIX = "192.0.2.0/24";

function converge(world: SmallWorld, order?: Rng): BgpNetwork {
  const net = new BgpNetwork(world.graph);
  for (const origin of world.origins) net.originate(origin, PREFIX);
  net.run(order ? { order } : {});
  return net;
}

function snapshot(net: BgpNetwork, graph: AsGraph): string[] {
  return graph.nodes.map((n) => {
    const r = net.bestRoute(n.id, PREFIX);
    return r ? `${r.originNode}:${r.learnedFrom}:${r.asPath.join(" ")}` : "-";
  });
}

describe("isValleyFree", () => {
  it("accepts up*, at most one peer hop, then down*, and nothing else", () => {
    // 0 and 1 are customers of 2; 2 peers with 3 and with 4; 5 is a customer of 3.
    const b = new AsGraphBuilder();
    for (let i = 0; i < 6; i++) b.addNode({ kind: "transit", region: "EU", lat: i, lon: i });
    b.addCustomerProvider(0, 2);
    b.addCustomerProvider(1, 2);
    b.addPeering(2, 3);
    b.addPeering(2, 4);
    b.addCustomerProvider(5, 3);
    const g = b.build();
    expect(isValleyFree(g, [0, 2, 3, 5])).toBe(true);
    expect(isValleyFree(g, [0, 2, 1])).toBe(true);
    expect(isValleyFree(g, [5, 3, 2, 0])).toBe(true);
    expect(isValleyFree(g, [3, 2, 4])).toBe(false); // two peer hops
    expect(isValleyFree(g, [2, 0, 2])).toBe(false); // down then up: a valley
    expect(isValleyFree(g, [0, 3])).toBe(false); // no such link
  });
});

describe("BgpNetwork", () => {
  it("converges to loop-free, valley-free paths on random Gao-Rexford graphs", () => {
    fc.assert(
      fc.property(smallWorld, (world) => {
        const net = converge(world);
        for (const node of world.graph.nodes) {
          const route = net.bestRoute(node.id, PREFIX);
          if (!route) continue;
          expect(new Set(route.asPath).size).toBe(route.asPath.length);
          const path = net.forwardingPath(node.id, PREFIX);
          expect(path).not.toBeNull();
          expect(path?.at(-1)).toBe(route.originNode);
          expect(isValleyFree(world.graph, path as number[])).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("reaches the same routes whatever order messages are delivered in", () => {
    fc.assert(
      fc.property(smallWorld, fc.integer(), (world, seed) => {
        expect(snapshot(converge(world, new Rng(seed)), world.graph)).toEqual(snapshot(converge(world), world.graph));
      }),
      { numRuns: 100 },
    );
  });

  it("after a withdrawal, re-converges to the state of a network that never had the origin", () => {
    fc.assert(
      fc.property(smallWorld, fc.integer(), (world, seed) => {
        fc.pre(world.origins.length >= 2);
        const [gone, ...kept] = world.origins as [number, ...number[]];
        const net = converge(world);
        net.withdrawOrigin(gone, PREFIX);
        net.run({ order: new Rng(seed) });
        const fresh = converge({ graph: world.graph, origins: kept });
        expect(snapshot(net, world.graph)).toEqual(snapshot(fresh, world.graph));
      }),
      { numRuns: 100 },
    );
  });

  it("prefers a longer customer route over a shorter peer route, and exports peer routes only to customers", () => {
    // `o` originates and peers with `top` directly (path length 1), but `top` also hears it
    // through its customer chain mid <- low <- o (length 3); money beats path length.
    const b = new AsGraphBuilder();
    const ids = [0, 1, 2, 3].map((i) => b.addNode({ kind: "transit", region: "EU", lat: i, lon: i }));
    const [o, top, mid, low] = ids as [number, number, number, number];
    b.addCustomerProvider(o, low);
    b.addCustomerProvider(low, mid);
    b.addCustomerProvider(mid, top);
    b.addPeering(o, top);
    const extraPeer = b.addNode({ kind: "transit", region: "EU", lat: 9, lon: 9 });
    b.addPeering(top, extraPeer);
    const graph = b.build();
    const net = converge({ graph, origins: [o] });
    expect(net.bestRoute(top, PREFIX)?.learnedFrom).toBe(mid);
    expect(net.bestRoute(top, PREFIX)?.asPath.length).toBe(3);
    // top's route is from a customer, so its peer hears it.
    expect(net.bestRoute(extraPeer, PREFIX)?.learnedFrom).toBe(top);

    // Without the customer chain, top only has the peer route and must not pass it to its peer.
    const b2 = new AsGraphBuilder();
    const [o2, top2, peer2] = [0, 1, 2].map((i) => b2.addNode({ kind: "transit", region: "EU", lat: i, lon: i })) as [number, number, number];
    b2.addPeering(o2, top2);
    b2.addPeering(top2, peer2);
    const graph2 = b2.build();
    const net2 = converge({ graph: graph2, origins: [o2] });
    expect(net2.bestRoute(top2, PREFIX)?.rel).toBe("peer");
    expect(net2.bestRoute(peer2, PREFIX)).toBeUndefined();
  });

  it("stops with BGP_NOT_CONVERGED instead of running unbounded", () => {
    const b = new AsGraphBuilder();
    const [x, y] = [0, 1].map((i) => b.addNode({ kind: "transit", region: "EU", lat: i, lon: i })) as [number, number];
    b.addPeering(x, y);
    const net = new BgpNetwork(b.build());
    net.originate(x, PREFIX);
    expect(() => net.run({ messagesMax: 0 })).toThrow(expect.objectContaining({ code: "BGP_NOT_CONVERGED" }));
  });

  it("rejects a route whose AS path already holds the receiver's ASN", () => {
    const b = new AsGraphBuilder();
    const a = b.addNode({ kind: "edge", asn: 13335, region: "EU", lat: 0, lon: 0 });
    const transit = b.addNode({ kind: "transit", region: "EU", lat: 1, lon: 1 });
    const c = b.addNode({ kind: "edge", asn: 13335, region: "EU", lat: 2, lon: 2 });
    b.addCustomerProvider(a, transit);
    b.addCustomerProvider(c, transit);
    const graph = b.build();
    const net = converge({ graph, origins: [a] });
    expect(net.bestRoute(transit, PREFIX)?.originNode).toBe(a);
    expect(net.bestRoute(c, PREFIX)).toBeUndefined();
  });
});
