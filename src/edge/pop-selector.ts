import { EdgeError } from "../core/errors.js";
import { AnycastNetwork, generateAsGraph, type CatchmentEntry } from "../net/index.js";
import { CLIENT_POPULATIONS, POPS, Rng, hashString, popByCode, type ClientPopulation, type Pop } from "../sim/index.js";

export interface PopChoice {
  readonly pop: Pop;
  /** The client population the address was mapped to (for modelled latency). */
  readonly client: ClientPopulation;
  /** How the PoP was chosen. */
  readonly by: "anycast" | "override";
}

interface Catchment {
  entries: CatchmentEntry[];
  /** The client population of each entry, resolved once (choose() runs per request). */
  clients: ClientPopulation[];
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
      catchment = { entries, clients, cumulative, total };
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
      return { pop, client, by: "override" };
    }
    return { pop: popByCode(entry.popCode as string) as Pop, client, by: "anycast" };
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
