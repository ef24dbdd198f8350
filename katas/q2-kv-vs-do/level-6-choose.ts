// Q2 · level 6 · Choose and justify
// The interview's last question: "So when would you use each?" Answer it as a function.
// Given a workload, return "KV", "DO" or "both" (reads from KV at the edge, writes through
// a Durable Object, as in level 4) with a one-line reason that names the deciding figure.
//
// The suite derives its cases from what this platform models (src/kv, src/durable-objects):
//   - KV caches a value where it is read and serves the copy while it is younger than the
//     read's cacheTtl (default 60 s, minimum 30 s); nothing is pushed. A reader elsewhere is
//     at most cacheTtl stale, so no budget under the 30 s minimum can be met, and any budget
//     from 30 s up can, by reading with cacheTtl ≤ budget;
//   - KV takes at most 1 write per second per key (429 beyond), and a write costs 10x a read;
//   - KV settles races last-writer-wins: read-modify-write loses updates (level 2);
//   - a Durable Object is one instance per id: linearizable (level 3), but every read from
//     a far PoP pays the round trip to wherever the object lives;
//   - a Durable Object value is at most DO_VALUE_SIZE_BYTES_MAX; a KV value up to 25 MiB.
//     An object can still hold a bigger value, split over several keys written in one
//     transaction, so size never overrides the rules above (linearizable, write rate,
//     staleness, read-your-writes): it decides only for eventual data, where it picks KV.
// Where KV is correct, its edge copies pay only for data that is read-heavy (at least 10
// reads per write: readsPerSecond >= 10 * writesPerSecond, so no writes at all counts) AND
// read worldwide. That picks KV for eventual data and "both" for read-your-writes. Anything
// else (regional, or fewer than 10 reads per write) picks a Durable Object: a write costs
// KV 10 reads, and one region is one short round trip from an object that is never stale.
// Hints: `npm run kata -- hint q2/6`. Grade: `npm run kata -- check q2/6`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface Workload {
  readsPerSecond: number;
  writesPerSecond: number;
  /** The busiest key's write rate. */
  writesPerSecondPerKeyMax: number;
  /** What readers must see: every write in one order, their own writes, or eventually anything. */
  consistency: "linearizable" | "read-your-writes" | "eventual";
  /** How old a value another user may read, in milliseconds. */
  stalenessBudgetMs: number;
  keyCount: number;
  geography: "global" | "regional";
  valueBytesMax: number;
}

export interface Choice {
  store: "KV" | "DO" | "both";
  reason: string;
}

export function choose(w: Workload): Choice {
  // TODO: rule KV out where it cannot be correct, then choose on cost and latency.
  throw new NotImplemented("choose");
}
