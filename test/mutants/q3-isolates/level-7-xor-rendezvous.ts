// Mutant: rendezvous hashing that scores a machine by hash(node) XOR hash(script), which is decided by the highest bit where the node hashes differ, so shares are badly skewed and a new machine takes either almost nothing or about half of the scripts instead of about 1/(n+1). (blind)

import { EdgeError } from "../../../src/core/errors.js";
import { hashString } from "../../../src/sim/index.js";

export interface ShardRingOptions {
  /** Points per machine on the ring; more points, more even shares. @defaultValue 100 */
  vnodesPerNode?: number;
}

/** Highest random weight (rendezvous) hashing: each script goes to the machine with the best score. */
export class ShardRing {
  readonly #nodes = new Map<string, number>();

  constructor(readonly options: ShardRingOptions = {}) {}

  addNode(nodeId: string): void {
    this.#nodes.set(nodeId, hashString(nodeId));
  }

  removeNode(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  shardOf(scriptId: string): string {
    if (this.#nodes.size === 0) throw new EdgeError("NO_NODES", 503, "the ring has no machines");
    const h = hashString(scriptId);
    let best: string | undefined;
    let bestScore = -1;
    for (const [node, nodeHash] of this.#nodes) {
      const score = (nodeHash ^ h) >>> 0;
      if (score > bestScore || (score === bestScore && best !== undefined && node < best)) {
        best = node;
        bestScore = score;
      }
    }
    return best!;
  }
}
