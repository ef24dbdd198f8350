// Mutant: the catchment is the geographically nearest announcing PoP, not the BGP choice.
import { nearestPopByGeography, type AsGraph, type AsNode } from "../../../src/net/index.js";

export class AnycastCatchments {
  readonly #announcing = new Set<string>();
  constructor(readonly graph: AsGraph) {}

  announce(popCodes: readonly string[]): void {
    for (const code of popCodes) this.#announcing.add(code);
  }

  withdraw(popCode: string): void {
    this.#announcing.delete(popCode);
  }

  catchment(): ReadonlyMap<number, string | null> {
    const pops = [...this.#announcing];
    const out = new Map<number, string | null>();
    for (const node of this.graph.nodes as AsNode[]) {
      if (node.kind === "access") out.set(node.id, pops.length > 0 ? nearestPopByGeography(this.graph, node, pops) : null);
    }
    return out;
  }
}
