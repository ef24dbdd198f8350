// Mutant: BGP decides the first catchment, but on withdrawal the stranded clients are sent to
// the geographically nearest remaining PoP instead of wherever BGP re-converges.
import { AnycastNetwork, nearestPopByGeography, type AsGraph, type AsNode } from "../../../src/net/index.js";

export class AnycastCatchments {
  readonly #net: AnycastNetwork;
  readonly #overrides = new Map<number, string>();

  constructor(readonly graph: AsGraph) {
    this.#net = new AnycastNetwork(graph);
  }

  announce(popCodes: readonly string[]): void {
    this.#net.announce(popCodes);
    this.#overrides.clear();
  }

  withdraw(popCode: string): void {
    const left = this.#net.announcing().filter((c) => c !== popCode);
    for (const e of this.#net.catchment()) {
      if (e.popCode === popCode) this.#overrides.set(e.accessNode, nearestPopByGeography(this.graph, this.graph.nodes[e.accessNode] as AsNode, left));
    }
    this.#net.withdraw(popCode);
  }

  catchment(): ReadonlyMap<number, string | null> {
    return new Map(this.#net.catchment().map((e) => [e.accessNode, this.#overrides.get(e.accessNode) ?? e.popCode]));
  }
}
