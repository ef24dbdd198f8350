// Mutant: indexes the edge nodes in a plain object keyed by PoP code, so "constructor" finds
// Object.prototype's constructor and a PoP named "__proto__" cannot be stored at all.
import { EdgeError } from "../../../src/core/errors.js";
import { BgpNetwork, type AsGraph } from "../../../src/net/index.js";

// RFC 5737 TEST-NET-2, so the simulation never names a real network.
const PREFIX = "198.51.100.0/24";

export class AnycastCatchments {
  readonly graph: AsGraph;
  readonly #bgp: BgpNetwork;
  readonly #edgeByCode: Record<string, number> = {};

  constructor(graph: AsGraph) {
    this.graph = graph;
    this.#bgp = new BgpNetwork(graph);
    for (const n of graph.nodes) if (n.kind === "edge" && n.popCode !== undefined) this.#edgeByCode[n.popCode] = n.id;
  }

  announce(popCodes: readonly string[]): void {
    // Look every code up before changing anything: a bad code in the list must not leave the
    // PoPs before it half-announced.
    const nodes = popCodes.map((code) => this.#edgeNode(code));
    // One origin per PoP, all with the edge ASN: outside the edge network they look identical.
    for (const node of nodes) this.#bgp.originate(node, PREFIX);
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
    const node = this.#edgeByCode[popCode];
    if (node === undefined) throw new EdgeError("NET_UNKNOWN_POP", 404, `no edge node for PoP "${popCode}" in the AS graph`);
    return node;
  }
}
