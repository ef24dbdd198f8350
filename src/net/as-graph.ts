import { assert } from "../core/errors.js";
import { fact } from "../facts/index.js";
import { greatCircleKm, type LatLon } from "../sim/geo.js";
import type { ClientPopulation, Pop, Region } from "../sim/pops.js";
import type { Rng } from "../sim/rng.js";

// The edge network's own AS number; every PoP originates from it (Cloudflare's, AS13335).
export const EDGE_ASN = fact("network.asn").value;
// How far an eyeball network may be from a PoP's IXP and still peer there (a metro-area fabric).
export const IXP_REACH_KM_MAX = 600;

export type AsKind = "tier1" | "transit" | "access" | "edge";
/** What a neighbour is to me: I pay a provider, a customer pays me, peers exchange for free. */
export type Relationship = "customer" | "peer" | "provider";

/**
 * One vertex: an AS at one location. The edge network appears once per PoP with the same ASN,
 * which is how anycast looks from outside (one origin AS announced from many places).
 */
export interface AsNode extends LatLon {
  readonly id: number;
  readonly asn: number;
  readonly kind: AsKind;
  readonly region: Region;
  /** Unique BGP identifier of the node's router. */
  readonly routerId: number;
  readonly popCode?: string;
  /** For access (eyeball) networks: the client population served and its share of that traffic. */
  readonly clientId?: string;
  readonly clientWeight?: number;
}

export interface Neighbour {
  readonly node: number;
  readonly rel: Relationship;
}

export interface AsGraph {
  readonly nodes: readonly AsNode[];
  /** Adjacency by node id, sorted by neighbour id for deterministic iteration. */
  readonly neighbours: readonly (readonly Neighbour[])[];
}

type NodeSpec = Omit<AsNode, "id" | "routerId" | "asn"> & { asn?: number };

/** Builds a graph by hand (tests, katas) or from the generator below. */
export class AsGraphBuilder {
  readonly #nodes: AsNode[] = [];
  readonly #adjacency: Map<number, Relationship>[] = [];

  addNode(spec: NodeSpec): number {
    const id = this.#nodes.length;
    assert(id < 0x10000, "router ids embed the node id in 16 bits");
    const asn = spec.asn ?? 100_000 + id;
    // Router ids are unique and scrambled so that "lowest router id" is not "lowest node id".
    const routerId = ((Math.imul(id + 1, 0x9e3779b1) & 0xffff0000) | id) >>> 0;
    this.#nodes.push({ ...spec, id, asn, routerId });
    this.#adjacency.push(new Map());
    return id;
  }

  addCustomerProvider(customer: number, provider: number): void {
    this.#link(customer, provider, "provider");
    this.#link(provider, customer, "customer");
  }

  addPeering(a: number, b: number): void {
    this.#link(a, b, "peer");
    this.#link(b, a, "peer");
  }

  hasLink(a: number, b: number): boolean {
    return this.#adjacency[a]?.has(b) ?? false;
  }

  #link(from: number, to: number, rel: Relationship): void {
    assert(from !== to, `node ${from} cannot link to itself`);
    const adjacency = this.#adjacency[from];
    assert(adjacency !== undefined && this.#nodes[to] !== undefined, `unknown node ${from} or ${to}`);
    assert(!adjacency.has(to), `nodes ${from} and ${to} are already linked`);
    adjacency.set(to, rel);
  }

  build(): AsGraph {
    const neighbours = this.#adjacency.map((m) =>
      [...m.entries()].sort((x, y) => x[0] - y[0]).map(([node, rel]) => ({ node, rel })),
    );
    return { nodes: [...this.#nodes], neighbours };
  }
}

export interface AsGraphOptions {
  rng: Rng;
  pops: readonly Pop[];
  clients: readonly ClientPopulation[];
  /** Eyeball ASes per client population, chosen uniformly in [1, max]. @defaultValue 3 */
  accessPerClientMax?: number;
  /** Chance that a nearby eyeball network peers with the edge at a PoP's IXP. @defaultValue 0.5 */
  ixpPeeringProbability?: number;
}

const TIER1_HUBS: ReadonlyArray<LatLon & { region: Region }> = [
  { lat: 38.94, lon: -77.46, region: "NA" }, // Ashburn
  { lat: 37.34, lon: -121.89, region: "NA" }, // San Jose
  { lat: 51.51, lon: -0.13, region: "EU" }, // London
  { lat: 50.11, lon: 8.68, region: "EU" }, // Frankfurt
  { lat: 35.68, lon: 139.65, region: "AS" }, // Tokyo
  { lat: 1.35, lon: 103.82, region: "AS" }, // Singapore
];

/**
 * A seeded Internet: a tier-1 clique, regional transit buying from tier-1s, eyeball networks
 * buying from regional transit, and the edge network buying transit at every PoP and peering
 * with nearby eyeballs at the local IXP.
 */
export function generateAsGraph(options: AsGraphOptions): AsGraph {
  const rng = options.rng.fork("as-graph");
  const b = new AsGraphBuilder();
  const tier1 = TIER1_HUBS.map((hub) => b.addNode({ kind: "tier1", ...hub }));
  for (let i = 0; i < tier1.length; i++)
    for (let j = i + 1; j < tier1.length; j++) b.addPeering(tier1[i] as number, tier1[j] as number);

  const regions = [...new Set([...options.pops, ...options.clients].map((p) => p.region))].sort();
  const transitByRegion = new Map<Region, number[]>();
  for (const region of regions) {
    const places: LatLon[] = [...options.pops, ...options.clients].filter((p) => p.region === region);
    const ids: number[] = [];
    for (let t = rng.int(2, 3); t > 0; t--) {
      const at = rng.pick(places);
      const id = b.addNode({ kind: "transit", region, lat: at.lat, lon: at.lon });
      for (const upstream of pickDistinct(rng, tier1, 2)) b.addCustomerProvider(id, upstream);
      for (const other of ids) if (rng.bool(0.5)) b.addPeering(id, other);
      ids.push(id);
    }
    transitByRegion.set(region, ids);
  }

  const access: number[] = [];
  for (const client of options.clients) {
    const count = rng.int(1, options.accessPerClientMax ?? 3);
    for (let k = 0; k < count; k++) {
      const id = b.addNode({
        kind: "access",
        region: client.region,
        lat: client.lat,
        lon: client.lon,
        clientId: client.id,
        clientWeight: client.weight / count,
      });
      const transits = transitByRegion.get(client.region) ?? [];
      for (const upstream of pickDistinct(rng, transits, rng.int(1, 2))) b.addCustomerProvider(id, upstream);
      access.push(id);
    }
  }

  const graph = b.build();
  for (const pop of options.pops) {
    const id = b.addNode({ kind: "edge", asn: EDGE_ASN, region: pop.region, lat: pop.lat, lon: pop.lon, popCode: pop.code });
    const transits = transitByRegion.get(pop.region) ?? [];
    for (const upstream of pickDistinct(rng, transits, rng.int(1, 2))) b.addCustomerProvider(id, upstream);
    for (const eyeball of access) {
      const node = graph.nodes[eyeball] as AsNode;
      if (greatCircleKm(node, pop) <= IXP_REACH_KM_MAX && rng.bool(options.ixpPeeringProbability ?? 0.5))
        b.addPeering(id, eyeball);
    }
  }
  return b.build();
}

function pickDistinct(rng: Rng, items: readonly number[], count: number): number[] {
  const pool = [...items];
  rng.shuffle(pool);
  return pool.slice(0, Math.min(count, pool.length));
}
