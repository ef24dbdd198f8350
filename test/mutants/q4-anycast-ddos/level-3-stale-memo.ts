// Mutant: memoises catchment() and invalidates the memo only in announce(), not in withdraw(): after withdraw("AMS") the map still sends AMS's clients to AMS. (blind)
import { BgpNetwork, type AsGraph } from "../../../src/net/index.js";

const PREFIX = "198.51.100.0/24";

export class AnycastCatchments {
  readonly #bgp: BgpNetwork;
  #memo: Map<number, string | null> | undefined;

  constructor(readonly graph: AsGraph) {
    this.#bgp = new BgpNetwork(graph);
  }

  #edgeNode(popCode: string): number {
    const node = this.graph.nodes.find((n) => n.kind === "edge" && n.popCode === popCode);
    if (!node) throw new Error(`no edge node for PoP ${popCode}`);
    return node.id;
  }

  announce(popCodes: readonly string[]): void {
    this.#memo = undefined;
    for (const code of popCodes) this.#bgp.originate(this.#edgeNode(code), PREFIX);
    this.#bgp.run();
  }

  withdraw(popCode: string): void {
    this.#bgp.withdrawOrigin(this.#edgeNode(popCode), PREFIX);
    this.#bgp.run();
  }

  catchment(): ReadonlyMap<number, string | null> {
    if (this.#memo) return this.#memo;
    const out = new Map<number, string | null>();
    this.#memo = out;
    for (const node of this.graph.nodes) {
      if (node.kind !== "access") continue;
      const route = this.#bgp.bestRoute(node.id, PREFIX);
      out.set(node.id, route ? (this.graph.nodes[route.originNode]?.popCode ?? null) : null);
    }
    return out;
  }
}
