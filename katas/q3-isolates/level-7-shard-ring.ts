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
// Hints: `npm run kata -- hint q3/7`. Grade: `npm run kata -- check q3/7`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface ShardRingOptions {
  /** Points per machine on the ring (a whole number ≥ 1); more points, more even shares. The suite uses the default. @defaultValue 100 */
  vnodesPerNode?: number;
}

export class ShardRing {
  constructor(readonly options: ShardRingOptions = {}) {}

  addNode(nodeId: string): void {
    // TODO: place `vnodesPerNode` points for the machine on a sorted ring.
    throw new NotImplemented("ShardRing.addNode");
  }

  removeNode(nodeId: string): void {
    throw new NotImplemented("ShardRing.removeNode");
  }

  shardOf(scriptId: string): string {
    // TODO: the first point clockwise from the script's hash, wrapping around.
    throw new NotImplemented("ShardRing.shardOf");
  }
}
