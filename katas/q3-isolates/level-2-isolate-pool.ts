// Q3 · level 2 · Isolate pool with LRU eviction
// One runtime process hosts thousands of isolates, but memory is finite: when a new script
// arrives and the machine's isolate budget is full, someone has to go. Evicting the least
// recently used idle isolate keeps the hot scripts warm; evicting one that is serving a
// request would kill that request.
//
// Implement `IsolatePool` (a pure model: no isolates are created here):
// - `acquire(scriptId, sizeBytes)` starts a request (`sizeBytes` is a whole number ≥ 1; ids
//   are any strings, "__proto__" and "7" included). A resident script is warm (`cold: false`)
//   and its size becomes `sizeBytes` (its heap grew or shrank). A missing script is cold and
//   is inserted. Either way the script becomes the most recently used and its in-flight count
//   goes up by one.
// - When the pool would exceed `memoryBytesMax`, evict idle isolates (in-flight count 0) from
//   the least recently used, stopping as soon as everything fits; report them, in eviction
//   order, in `evicted`. Never evict an isolate with a request in flight, nor the one acquired.
// - If it cannot fit even after evicting every idle isolate (a script larger than the whole
//   budget never fits), throw `new EdgeError("POOL_EXHAUSTED", 503, …)` and change nothing
//   (no eviction, no insert, no size change, no recency change).
// - `release(scriptId)` ends one request and leaves recency as it is; releasing a script with
//   nothing in flight (never acquired, evicted, or already released) throws
//   `new EdgeError("NOT_IN_FLIGHT", 500, …)` and changes nothing.
// Both errors' messages name the script.
// Hints: `npm run kata -- hint q3/2`. Grade: `npm run kata -- check q3/2`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface IsolatePoolOptions {
  /** Memory the pool may hold across all resident isolates, in bytes. */
  memoryBytesMax: number;
}

export interface Acquired {
  /** True when the isolate had to be created for this request. */
  cold: boolean;
  /** Script ids evicted to make room, least recently used first. */
  evicted: string[];
}

export class IsolatePool {
  constructor(readonly options: IsolatePoolOptions) {}

  acquire(scriptId: string, sizeBytes: number): Acquired {
    // TODO: hit or miss, make room from the LRU end (idle only), record recency and in-flight.
    throw new NotImplemented("IsolatePool.acquire");
  }

  release(scriptId: string): void {
    // TODO
    throw new NotImplemented("IsolatePool.release");
  }

  /** Requests in flight on this script (0 when idle or not resident). */
  inFlight(scriptId: string): number {
    throw new NotImplemented("IsolatePool.inFlight");
  }

  /** Resident script ids, least recently used first. */
  resident(): string[] {
    throw new NotImplemented("IsolatePool.resident");
  }

  /** Sum of the sizes of resident isolates. */
  memoryBytes(): number {
    throw new NotImplemented("IsolatePool.memoryBytes");
  }
}
