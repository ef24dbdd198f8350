// Mutant: an empty ring answers undefined instead of throwing NO_NODES, so a request with no machine to serve it is routed nowhere.
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
    if (this.#ring.length === 0) return undefined as unknown as string;
    // The script's position depends on the script alone, never on how many machines there
    // are: that is what keeps most scripts in place when a machine joins.
    const h = hashString(scriptId);
    let lo = 0;
    let hi = this.#ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ring[mid]?.hash ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    // Past the last point, wrap to the first: the ring is a circle.
    return (this.#ring[lo % this.#ring.length] as Point).nodeId;
  }
}
