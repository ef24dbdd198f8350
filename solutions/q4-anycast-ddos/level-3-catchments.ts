// Q4 · level 3 · Anycast catchments and failover
// Anycast is nothing more than BGP: every PoP announces the SAME prefix from the SAME ASN, and
// each eyeball network's own best-path choice decides which PoP its packets reach. The set of
// networks that reach a PoP is its "catchment". Nobody computes "the nearest PoP": policy
// (customer > peer > provider), AS-path length and tie-breaks do, and the map rarely agrees.
//
// Implement `AnycastCatchments` over an `AsGraph` from `generateAsGraph` (edge nodes carry a
// `popCode`, eyeball networks are `kind: "access"`). Use the platform's `BgpNetwork` as the
// routing engine (the suite compares with it):
// - `announce(popCodes)` starts announcing the prefix from those PoPs (too) and converges; PoPs
//   announced before keep announcing, and announcing one twice changes nothing;
// - `withdraw(popCode)` stops one PoP (maintenance, overload) and converges; withdrawing a PoP
//   that does not announce changes nothing;
// - `catchment()` maps every access node id (every node of kind "access") to the PoP code its
//   traffic reaches, or null when it has no route (before any announcement, after the last
//   withdrawal).
// A code that names no PoP of the graph (a PoP is an edge node with that `popCode`; codes are
// any strings, "" and "__proto__" included) makes `announce` or `withdraw` throw an Error and
// change nothing, not even the other codes of the same call.
// Constraints: a withdrawal must move exactly the clients of that PoP, each to another PoP.
import { EdgeError } from "../../src/core/errors.js";
import { BgpNetwork, type AsGraph } from "../../src/net/index.js";

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
    const node = this.graph.nodes.find((n) => n.kind === "edge" && n.popCode === popCode);
    if (!node) throw new EdgeError("NET_UNKNOWN_POP", 404, `no edge node for PoP "${popCode}" in the AS graph`);
    return node.id;
  }
}
