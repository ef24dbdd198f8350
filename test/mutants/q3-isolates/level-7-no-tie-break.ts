// Mutant: sorts the ring by hash only, so two machines whose points collide keep insertion order and the owner depends on the order they were added (nodes "nwrj58tx3b" and "n1kdc1z6x2g" share a point at 340647253: "script-66" goes to whichever was added first). (blind)

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

export class ShardRing {
  readonly #nodes = new Set<string>();
  /** Sorted by hash. */
  #points: Point[] = [];

  constructor(readonly options: ShardRingOptions = {}) {}

  addNode(nodeId: string): void {
    if (this.#nodes.has(nodeId)) return;
    this.#nodes.add(nodeId);
    const vnodes = this.options.vnodesPerNode ?? 100;
    for (let i = 0; i < vnodes; i++) this.#points.push({ hash: hashString(`${nodeId}#${i}`), node: nodeId });
    this.#points.sort((a, b) => a.hash - b.hash);
  }

  removeNode(nodeId: string): void {
    if (!this.#nodes.delete(nodeId)) return;
    this.#points = this.#points.filter((p) => p.node !== nodeId);
  }

  shardOf(scriptId: string): string {
    if (this.#points.length === 0) throw new EdgeError("NO_NODES", 503, "the ring has no machines");
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
