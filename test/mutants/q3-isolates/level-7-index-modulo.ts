// Mutant: picks the point at index hash(script) % points.length instead of the first point clockwise from the hash, so the choice depends on how many points there are and adding a machine reshuffles most scripts (adding an 11th machine to 10 moves about 10/11 of 2,000 scripts, to every machine). (blind)

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
    if (this.#points.length === 0) throw new EdgeError("NO_NODES", 503, "the ring has no machines");
    return this.#points[hashString(scriptId) % this.#points.length]!.node;
  }
}
