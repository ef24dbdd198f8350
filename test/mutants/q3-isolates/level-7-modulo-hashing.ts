// Mutant: scripts go to hash % n over the sorted machines, so adding one machine moves about n/(n+1) of them.
import { EdgeError } from "../../../src/core/errors.js";
import { hashString } from "../../../src/sim/index.js";

export interface ShardRingOptions {
  /** Points per machine on the ring; more points, more even shares. @defaultValue 100 */
  vnodesPerNode?: number;
}

interface Point {
  hash: number;
  nodeId: string;
}

export class ShardRing {
  readonly #nodes = new Set<string>();
  #ring: Point[] = [];

  constructor(readonly options: ShardRingOptions = {}) {}

  addNode(nodeId: string): void {
    if (this.#nodes.has(nodeId)) return;
    this.#nodes.add(nodeId);
    // Many points per machine: with one point each, shares vary by a factor of several and a
    // new machine takes its whole arc from a single neighbour.
    for (let i = 0; i < (this.options.vnodesPerNode ?? 100); i++) this.#ring.push({ hash: hashString(`${nodeId}#${i}`), nodeId });
    // Ties broken by node id, so the ring is the same whatever order the machines came in.
    this.#ring.sort((a, b) => a.hash - b.hash || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }

  removeNode(nodeId: string): void {
    if (!this.#nodes.delete(nodeId)) return;
    this.#ring = this.#ring.filter((p) => p.nodeId !== nodeId);
  }

  shardOf(scriptId: string): string {
    if (this.#ring.length === 0) throw new EdgeError("NO_NODES", 503, `no machine can serve script ${scriptId}: the ring is empty`);
    const nodes = [...this.#nodes].sort();
    return nodes[hashString(scriptId) % nodes.length] as string;
  }
}
