// Mutant: rebuilds the ring from the machine set only in addNode, so removeNode forgets the machine but its points stay and it keeps receiving scripts (addNode a, addNode b, removeNode b: shardOf still answers "b" for about half of the scripts). (blind)

import { EdgeError } from "../../../src/core/errors.js";
import { hashString } from "../../../src/sim/index.js";

export interface ShardRingOptions {
  /** Points per machine on the ring; more points, more even shares. @defaultValue 100 */
  vnodesPerNode?: number;
}

interface Point {
  hash: number;
  node: string;
}

function byHashThenNode(a: Point, b: Point): number {
  if (a.hash !== b.hash) return a.hash - b.hash;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

export class ShardRing {
  readonly #nodes = new Set<string>();
  /** Sorted by hash, ties by node id. */
  #points: Point[] = [];

  constructor(readonly options: ShardRingOptions = {}) {}

  addNode(nodeId: string): void {
    this.#nodes.add(nodeId);
    this.#rebuild();
  }

  #rebuild(): void {
    const vnodes = this.options.vnodesPerNode ?? 100;
    const points: Point[] = [];
    for (const node of this.#nodes) {
      for (let i = 0; i < vnodes; i++) points.push({ hash: hashString(`${node}#${i}`), node });
    }
    this.#points = points.sort(byHashThenNode);
  }

  removeNode(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  shardOf(scriptId: string): string {
    if (this.#nodes.size === 0) throw new EdgeError("NO_NODES", 503, "the ring has no machines");
    const h = hashString(scriptId);
    let lo = 0;
    let hi = this.#points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#points[mid]!.hash < h) lo = mid + 1;
      else hi = mid;
    }
    return this.#points[lo === this.#points.length ? 0 : lo]!.node;
  }
}
