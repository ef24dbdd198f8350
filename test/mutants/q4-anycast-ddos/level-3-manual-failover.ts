// Mutant: computes failover itself: on withdraw it moves the withdrawn PoP's clients to the geographically nearest remaining PoP instead of re-running BGP, so a client whose BGP fallback is a farther PoP via its transit is misplaced. (blind)
import { BgpNetwork, nearestPopByGeography, type AsGraph } from "../../../src/net/index.js";

const PREFIX = "198.51.100.0/24";

export class AnycastCatchments {
  readonly #bgp: BgpNetwork;
  readonly #announced = new Set<string>();
  readonly #withdrawn = new Set<string>();

  constructor(readonly graph: AsGraph) {
    this.#bgp = new BgpNetwork(graph);
  }

  #edgeNode(popCode: string): number {
    const node = this.graph.nodes.find((n) => n.kind === "edge" && n.popCode === popCode);
    if (!node) throw new Error(`no edge node for PoP ${popCode}`);
    return node.id;
  }

  announce(popCodes: readonly string[]): void {
    for (const code of popCodes) {
      this.#bgp.originate(this.#edgeNode(code), PREFIX);
      this.#announced.add(code);
      this.#withdrawn.delete(code);
    }
    this.#bgp.run();
  }

  withdraw(popCode: string): void {
    // Failover: do not disturb BGP; the withdrawn PoP's clients go to the nearest PoP still up.
    this.#announced.delete(popCode);
    this.#withdrawn.add(popCode);
  }

  catchment(): ReadonlyMap<number, string | null> {
    const out = new Map<number, string | null>();
    for (const node of this.graph.nodes) {
      if (node.kind !== "access") continue;
      const route = this.#bgp.bestRoute(node.id, PREFIX);
      let pop = route ? (this.graph.nodes[route.originNode]?.popCode ?? null) : null;
      if (pop !== null && this.#withdrawn.has(pop))
        pop = this.#announced.size > 0 ? nearestPopByGeography(this.graph, node, [...this.#announced]) : null;
      out.set(node.id, pop);
    }
    return out;
  }
}
