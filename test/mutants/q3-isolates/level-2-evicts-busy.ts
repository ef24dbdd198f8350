// Mutant: eviction ignores in-flight requests and kills an isolate that is serving.
import { EdgeError } from "../../../src/core/errors.js";

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
      if (id === scriptId) continue; // A busy isolate is serving someone.
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
    for (const id of victims) {
      this.#memoryBytes -= this.#entries.get(id)?.sizeBytes ?? 0;
      this.#entries.delete(id);
    }
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
