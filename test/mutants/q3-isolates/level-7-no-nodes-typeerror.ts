// Mutant: forgets the empty ring, so shardOf with no machines throws a TypeError from reading an undefined point instead of EdgeError NO_NODES (new ShardRing().shardOf("s")). (blind)

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
    if (this.#nodes.has(nodeId)) return;
    this.#nodes.add(nodeId);
    const vnodes = this.options.vnodesPerNode ?? 100;
    for (let i = 0; i < vnodes; i++) this.#points.push({ hash: hashString(`${nodeId}#${i}`), node: nodeId });
    this.#points.sort(byHashThenNode);
  }

  removeNode(nodeId: string): void {
    if (!this.#nodes.delete(nodeId)) return;
    this.#points = this.#points.filter((p) => p.node !== nodeId);
  }

  shardOf(scriptId: string): string {
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
