// Mutant: maps each reachable access network to the geographically nearest announcing PoP ("anycast = nearest") instead of the origin of its BGP best route: an eyeball network that peers with a PoP 500 km away while a transit-only PoP is 50 km away is put at the nearer PoP. (blind)
import { BgpNetwork, nearestPopByGeography, type AsGraph } from "../../../src/net/index.js";

const PREFIX = "198.51.100.0/24";

export class AnycastCatchments {
  readonly #bgp: BgpNetwork;
  readonly #announced = new Set<string>();

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
    }
    this.#bgp.run();
  }

  withdraw(popCode: string): void {
    this.#bgp.withdrawOrigin(this.#edgeNode(popCode), PREFIX);
    this.#announced.delete(popCode);
    this.#bgp.run();
  }

  catchment(): ReadonlyMap<number, string | null> {
    const out = new Map<number, string | null>();
    for (const node of this.graph.nodes) {
      if (node.kind !== "access") continue;
      const route = this.#bgp.bestRoute(node.id, PREFIX);
      // BGP tells us whether the network can reach us at all; the PoP it lands on is the closest one.
      out.set(node.id, route && this.#announced.size > 0 ? nearestPopByGeography(this.graph, node, [...this.#announced]) : null);
    }
    return out;
  }
}
