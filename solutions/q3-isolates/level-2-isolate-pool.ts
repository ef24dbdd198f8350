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
import { EdgeError } from "../../src/core/errors.js";

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

interface Entry {
  sizeBytes: number;
  inFlight: number;
}

export class IsolatePool {
  // A Map iterates in insertion order; deleting and re-inserting on each use keeps it in LRU
  // order (least recent first) without a separate linked list.
  readonly #entries = new Map<string, Entry>();
  #memoryBytes = 0;

  constructor(readonly options: IsolatePoolOptions) {}

  acquire(scriptId: string, sizeBytes: number): Acquired {
    const existing = this.#entries.get(scriptId);
    const oldSize = existing?.sizeBytes ?? 0;
    const needBytes = this.#memoryBytes - oldSize + sizeBytes - this.options.memoryBytesMax;
    // Plan the evictions before touching anything, so a refusal leaves the pool unchanged.
    const victims: string[] = [];
    let freedBytes = 0;
    for (const [id, entry] of this.#entries) {
      if (freedBytes >= needBytes) break; // Stop as soon as it fits: every eviction is a future cold start.
      if (id === scriptId || entry.inFlight > 0) continue; // A busy isolate is serving someone.
      victims.push(id);
      freedBytes += entry.sizeBytes;
    }
    if (freedBytes < needBytes) {
      throw new EdgeError(
        "POOL_EXHAUSTED",
        503,
        `script ${scriptId} needs ${sizeBytes} bytes; the pool holds ${this.#memoryBytes} of ${this.options.memoryBytesMax} bytes and only ${freedBytes} are idle`,
      );
    }
    for (const id of victims) this.#entries.delete(id);
    this.#memoryBytes -= freedBytes;
    this.#entries.delete(scriptId); // Re-insert at the most-recent end.
    this.#entries.set(scriptId, { sizeBytes, inFlight: (existing?.inFlight ?? 0) + 1 });
    // Account for the current size, not the size at insert: a warm isolate's heap grows.
    this.#memoryBytes += sizeBytes - oldSize;
    return { cold: existing === undefined, evicted: victims };
  }

  release(scriptId: string): void {
    const entry = this.#entries.get(scriptId);
    if (entry === undefined || entry.inFlight === 0) {
      throw new EdgeError("NOT_IN_FLIGHT", 500, `release(${scriptId}): no request is in flight on it`);
    }
    entry.inFlight--;
  }

  /** Requests in flight on this script (0 when idle or not resident). */
  inFlight(scriptId: string): number {
    return this.#entries.get(scriptId)?.inFlight ?? 0;
  }

  /** Resident script ids, least recently used first. */
  resident(): string[] {
    return [...this.#entries.keys()];
  }

  /** Sum of the sizes of resident isolates. */
  memoryBytes(): number {
    return this.#memoryBytes;
  }
}
