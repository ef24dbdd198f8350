// Mutant: announce() originates each code as it looks it up, so in announce(["AMS", "NOPE"]) AMS is
// already announced when "NOPE" throws: a failed call changes the routing after all.
import { EdgeError } from "../../../src/core/errors.js";
import { BgpNetwork, type AsGraph } from "../../../src/net/index.js";

// RFC 5737 TEST-NET-2, so the simulation never names a real network.
const PREFIX = "198.51.100.0/24";

export class AnycastCatchments {
  readonly graph: AsGraph;
  readonly #bgp: BgpNetwork;

  constructor(graph: AsGraph) {
    this.graph = graph;
    this.#bgp = new BgpNetwork(graph);
  }

  announce(popCodes: readonly string[]): void {
    // Look every code up before changing anything: a bad code in the list must not leave the
    // PoPs before it half-announced.
    // One origin per PoP, all with the edge ASN: outside the edge network they look identical.
    for (const code of popCodes) this.#bgp.originate(this.#edgeNode(code), PREFIX);
    this.#bgp.run();
  }

  withdraw(popCode: string): void {
    // The withdrawal travels like any update; only networks whose best route ended at this
    // PoP change their choice, so every other catchment stays exactly where it was.
    this.#bgp.withdrawOrigin(this.#edgeNode(popCode), PREFIX);
    this.#bgp.run();
  }

  catchment(): ReadonlyMap<number, string | null> {
    const out = new Map<number, string | null>();
    for (const node of this.graph.nodes) {
      if (node.kind !== "access") continue;
      // The PoP is whoever originated the route this network chose, not the closest one.
      const route = this.#bgp.bestRoute(node.id, PREFIX);
      out.set(node.id, route ? (this.graph.nodes[route.originNode]?.popCode ?? null) : null);
    }
    return out;
  }

  #edgeNode(popCode: string): number {
    const node = this.graph.nodes.find((n) => n.kind === "edge" && n.popCode === popCode);
    if (!node) throw new EdgeError("NET_UNKNOWN_POP", 404, `no edge node for PoP "${popCode}" in the AS graph`);
    return node.id;
  }
}
