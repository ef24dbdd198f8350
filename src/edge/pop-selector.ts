import { EdgeError } from "../core/errors.js";
import { AnycastNetwork, generateAsGraph, type CatchmentEntry } from "../net/index.js";
import { CLIENT_POPULATIONS, POPS, Rng, greatCircleKm, hashString, popByCode, type ClientPopulation, type Pop } from "../sim/index.js";

export interface PopChoice {
  readonly pop: Pop;
  /** The client population the address was mapped to (for modelled latency). */
  readonly client: ClientPopulation;
  /**
   * The eyeball network the client is on: its AS number and its index among the networks of
   * its population (1-based), which names it. For an emulated PoP, the network that sends the
   * PoP the most traffic (a typical client of that PoP).
   */
  readonly network: { readonly asn: number; readonly index: number; readonly client: ClientPopulation };
  /** How the PoP was chosen. */
  readonly by: "anycast" | "override";
}

interface Catchment {
  entries: CatchmentEntry[];
  /** The client population of each entry, resolved once (choose() runs per request). */
  clients: ClientPopulation[];
  /** The eyeball network of each entry: AS number and index within its client population. */
  networks: Array<{ asn: number; index: number }>;
  /** The entry sending each PoP the most traffic, found on first use (bounded by the PoP count). */
  typical: Map<string, number>;
  cumulative: number[];
  total: number;
}

const catchmentsBySeed = new Map<number, Catchment>();

/**
 * Anycast in front of the pipeline: every PoP announces one prefix and BGP — not geography —
 * decides where a client lands. A client address is mapped deterministically to one eyeball
 * network (weighted by traffic share), whose converged best route names the PoP. Converging
 * BGP over the 410-PoP graph takes about a second, so the result is shared per seed.
 */
export class PopSelector {
  readonly #catchment: Catchment;

  constructor(options: { seed: number }) {
    let catchment = catchmentsBySeed.get(options.seed);
    if (!catchment) {
      const graph = generateAsGraph({ rng: new Rng(options.seed), pops: POPS, clients: CLIENT_POPULATIONS });
      const network = new AnycastNetwork(graph);
      network.announce(POPS.map((p) => p.code));
      const entries = network.catchment().filter((e) => e.popCode !== null);
      const cumulative: number[] = [];
      let total = 0;
      for (const e of entries) cumulative.push((total += e.weight));
      const byId = new Map(CLIENT_POPULATIONS.map((c) => [c.id, c]));
      const clients = entries.map((e) => byId.get(e.clientId) as ClientPopulation);
      const seen = new Map<string, number>();
      const networks = entries.map((e) => {
        const index = (seen.get(e.clientId) ?? 0) + 1;
        seen.set(e.clientId, index);
        return { asn: graph.nodes[e.accessNode]?.asn ?? 0, index };
      });
      catchment = { entries, clients, networks, typical: new Map(), cumulative, total };
      catchmentsBySeed.set(options.seed, catchment);
    }
    this.#catchment = catchment;
  }

  /** The PoP BGP delivers this client address to, or the one the caller asked to emulate. */
  choose(clientIp: string, override?: string): PopChoice {
    const index = this.#indexFor(clientIp);
    const entry = this.#catchment.entries[index] as CatchmentEntry;
    const client = this.#catchment.clients[index] as ClientPopulation;
    if (override !== undefined && override !== "") {
      const pop = popByCode(override.toUpperCase());
      if (!pop) throw new EdgeError("UNKNOWN_POP", 400, `no PoP "${override}"; use an IATA code such as LHR, NRT or IAD (see /__edge/pops)`);
      return { pop, client, network: this.#network(this.#typicalEntry(pop)), by: "override" };
    }
    return { pop: popByCode(entry.popCode as string) as Pop, client, network: this.#network(index), by: "anycast" };
  }

  #network(index: number): PopChoice["network"] {
    const n = this.#catchment.networks[index] as { asn: number; index: number };
    return { asn: n.asn, index: n.index, client: this.#catchment.clients[index] as ClientPopulation };
  }

  /** The entry that sends `pop` the most traffic; for a PoP no network reaches, the nearest one. */
  #typicalEntry(pop: Pop): number {
    const { entries, clients, typical } = this.#catchment;
    let best = typical.get(pop.code);
    if (best !== undefined) return best;
    let score = -Infinity;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as CatchmentEntry;
      // Traffic landing here wins; otherwise closeness (a negative distance) decides.
      const s = e.popCode === pop.code ? e.weight * 1e9 : -greatCircleKm(clients[i] as ClientPopulation, pop);
      if (s > score) [best, score] = [i, s];
    }
    typical.set(pop.code, best as number);
    return best as number;
  }

  /** PoPs with a non-empty catchment, most traffic first. */
  busiest(): Array<{ code: string; weight: number }> {
    const byPop = new Map<string, number>();
    for (const e of this.#catchment.entries) byPop.set(e.popCode as string, (byPop.get(e.popCode as string) ?? 0) + e.weight);
    return [...byPop].map(([code, weight]) => ({ code, weight })).sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code));
  }

  #indexFor(clientIp: string): number {
    const { cumulative, total } = this.#catchment;
    const point = (hashString(clientIp) / 2 ** 32) * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > point) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
