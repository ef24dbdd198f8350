// Q3 · level 7 · Shard and conquer
// A script deployed "everywhere" would need a warm isolate on every machine of every PoP.
// With a few hundred machines per PoP and an LRU per machine, a long tail of scripts keeps
// evicting each other. Routing each script to a small, stable shard of machines means each
// machine sees fewer distinct scripts, so more of them stay warm (Cloudflare routes Workers
// requests within a data centre with consistent hashing for the same reason).
//
// Implement `ShardRing`, a consistent-hash ring with virtual nodes (or rendezvous hashing):
// - `addNode(nodeId)` / `removeNode(nodeId)` change the machines (ids are any strings,
//   "constructor" and "" included). Adding a machine that is already there, or removing one
//   that is not, changes nothing.
// - `shardOf(scriptId)` names the machine that serves the script; it depends only on the set
//   of machines, not on the order they were added (two machines may have points on the same
//   hash: break such ties by node id), and it throws `new EdgeError("NO_NODES", 503, …)`, with a
//   message naming the script, when there is none (never added, or all removed);
// - adding a machine to n machines moves about 1/(n+1) of the scripts, all of them to the new
//   machine (modulo hashing, `hash % n`, moves about n/(n+1) of them); removing a machine moves
//   only its own scripts; every machine serves a fair share (with the default 100 points each,
//   within about ±40% of 1/n).
// Constraints: deterministic; use `hashString` from src/sim (no Math.random).
import { EdgeError } from "../../src/core/errors.js";
import { hashString } from "../../src/sim/index.js";

export interface ShardRingOptions {
  /** Points per machine on the ring (a whole number ≥ 1); more points, more even shares. The suite uses the default. @defaultValue 100 */
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
    // Ties broken by node id, so the ring is the same whatever order the machines came in
    // (two points of one machine never tie: its ids differ by the point's index).
    this.#ring.sort((a, b) => a.hash - b.hash || (a.nodeId < b.nodeId ? -1 : 1));
  }

  removeNode(nodeId: string): void {
    this.#nodes.delete(nodeId);
    this.#ring = this.#ring.filter((p) => p.nodeId !== nodeId);
  }

  shardOf(scriptId: string): string {
    if (this.#ring.length === 0) throw new EdgeError("NO_NODES", 503, `no machine can serve script ${scriptId}: the ring is empty`);
    // The script's position depends on the script alone, never on how many machines there
    // are: that is what keeps most scripts in place when a machine joins.
    const h = hashString(scriptId);
    let lo = 0;
    let hi = this.#ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ring[mid] as Point).hash < h) lo = mid + 1;
      else hi = mid;
    }
    // Past the last point, wrap to the first: the ring is a circle.
    return (this.#ring[lo % this.#ring.length] as Point).nodeId;
  }
}
