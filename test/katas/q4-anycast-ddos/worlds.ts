import fc from "fast-check";
import { AnycastNetwork, AsGraphBuilder, EDGE_ASN, generateAsGraph, type AsGraph, type CatchmentEntry, type Relationship } from "../../../src/net/index.js";
import { CLIENT_POPULATIONS, POPS, Rng } from "../../../src/sim/index.js";
import { TEST_CLIENTS, TEST_POPS } from "../../platform/net/world-fixture.js";

/** A small Internet plus anycast sites: edge nodes that share one ASN and may announce. */
export interface SmallWorld {
  readonly graph: AsGraph;
  /** Edge (anycast) nodes, all with ASN 13335. */
  readonly sites: readonly number[];
  /** The sites that announce; the others are present but silent. */
  readonly origins: readonly number[];
}

/**
 * Random Internets that meet the Gao-Rexford conditions: a provider is always in a higher tier
 * than its customer (no customer-provider cycle); peerings go anywhere. The anycast sites sit
 * below every tier, buy transit from one or two networks and may peer with one.
 */
export const smallWorldArb: fc.Arbitrary<SmallWorld> = fc
  .record({
    tiers: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 10 }),
    // Some worlds number their networks with 4-byte ASNs, 2^31 and up included.
    wideAsns: fc.boolean(),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 2, maxLength: 24 }),
    sites: fc.array(fc.record({ up: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), peer: fc.option(fc.nat()), announces: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
    }),
  })
  .map(({ tiers, wideAsns, edges, sites }): SmallWorld => {
    const b = new AsGraphBuilder();
    for (const [i] of tiers.entries()) b.addNode({ kind: "transit", region: "EU", lat: i, lon: i, ...(wideAsns ? { asn: 0xffffffff - 3 * i } : {}) });
    for (const [x, y, peer] of edges) {
      const a = x % tiers.length;
      const c = y % tiers.length;
      if (a === c || b.hasLink(a, c)) continue;
      const [ta, tc] = [tiers[a] as number, tiers[c] as number];
      if (peer || ta === tc) b.addPeering(a, c);
      else if (ta < tc) b.addCustomerProvider(a, c);
      else b.addCustomerProvider(c, a);
    }
    const ids: number[] = [];
    const origins: number[] = [];
    for (const site of sites) {
      const id = b.addNode({ kind: "edge", asn: EDGE_ASN, region: "EU", lat: 0, lon: 0, popCode: `S${ids.length}` });
      for (const up of site.up) if (!b.hasLink(id, up % tiers.length)) b.addCustomerProvider(id, up % tiers.length);
      if (site.peer !== null && !b.hasLink(id, site.peer % tiers.length)) b.addPeering(id, site.peer % tiers.length);
      ids.push(id);
      if (site.announces) origins.push(id);
    }
    // At least one site announces, or there is nothing to route.
    if (origins.length === 0) origins.push(ids[0] as number);
    return { graph: b.build(), sites: ids, origins };
  });

export function relation(graph: AsGraph, from: number, to: number): Relationship | undefined {
  return graph.neighbours[from]?.find((n) => n.node === to)?.rel;
}

const worldCache = new Map<string, AsGraph>();

/**
 * PoP codes a map keyed by plain-object properties gets wrong (`__proto__`, `constructor`,
 * `toString`), the empty string, non-ASCII, and codes that collide when concatenated.
 */
export const ADVERSARIAL_POP_CODES: readonly string[] = ["__proto__", "constructor", "toString", "", "東京", "a1", "1", "a", "hasOwnProperty"];

/**
 * The generated Internet over the 16-PoP test fixture, one per seed (cached: ~40 ms each).
 * `renamed` gives its first PoPs the adversarial codes above (same places, same graph).
 */
export function fixtureWorld(seed: number, renamed = false): AsGraph {
  const key = `${seed}|${renamed}`;
  let graph = worldCache.get(key);
  if (!graph) {
    const pops = renamed ? TEST_POPS.map((p, i) => ({ ...p, code: ADVERSARIAL_POP_CODES[i] ?? p.code })) : TEST_POPS;
    graph = generateAsGraph({ rng: new Rng(seed), pops, clients: TEST_CLIENTS });
    worldCache.set(key, graph);
  }
  return graph;
}

/** The PoP codes of a graph, in node order. */
export function popCodesOf(graph: AsGraph): string[] {
  return graph.nodes.filter((n) => n.kind === "edge").map((n) => n.popCode as string);
}

let internet: AsGraph | undefined;

/**
 * The generated Internet over the whole PoP dataset (410 PoPs, about 560 networks): the
 * realistic size, built once per process (~0.4 s).
 */
export function internetWorld(): AsGraph {
  internet ??= generateAsGraph({ rng: new Rng(4271), pops: POPS, clients: CLIENT_POPULATIONS });
  return internet;
}

export const FIXTURE_POP_CODES: readonly string[] = TEST_POPS.map((p) => p.code);

const catchmentCache = new Map<string, CatchmentEntry[]>();

/** The BGP catchment of a fixture world when `pops` announce (cached: BGP takes ~40 ms). */
export function fixtureCatchment(seed: number, pops: readonly string[]): CatchmentEntry[] {
  const key = `${seed}|${[...pops].sort().join(",")}`;
  let entries = catchmentCache.get(key);
  if (!entries) {
    const net = new AnycastNetwork(fixtureWorld(seed));
    net.announce(pops);
    entries = net.catchment();
    catchmentCache.set(key, entries);
  }
  return entries;
}

/** A few announcing sets: the whole fixture, one region's PoPs plus a far one, a single PoP. */
export const POP_SETS: readonly (readonly string[])[] = [
  FIXTURE_POP_CODES,
  ["LHR", "FRA", "IAD", "NRT", "SIN", "GRU"],
  ["IAD", "SJC", "LHR"],
  ["IAD"],
];
