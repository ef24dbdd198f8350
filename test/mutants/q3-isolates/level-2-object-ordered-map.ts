// Mutant: keeps resident isolates in a plain object and takes LRU order from Object.keys, which lists integer-like keys first in numeric order, so recency is wrong for ids like "7" (acquire+release "b" then "7": resident() is ["7", "b"], not ["b", "7"], and the next eviction takes "7"). (blind)

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
  /** Resident isolates; object keys keep insertion order, so the first key is the LRU one. */
  #entries: Record<string, Entry> = {};
  #memoryBytes = 0;

  constructor(readonly options: IsolatePoolOptions) {}

  acquire(scriptId: string, sizeBytes: number): Acquired {
    const existing = this.#entries[scriptId];
    const after = this.#memoryBytes - (existing?.sizeBytes ?? 0) + sizeBytes;
    const overflow = after - this.options.memoryBytesMax;
    const evicted: string[] = [];
    let freed = 0;
    if (overflow > 0) {
      for (const id of Object.keys(this.#entries)) {
        if (freed >= overflow) break;
        const entry = this.#entries[id]!;
        if (id === scriptId || entry.inFlight > 0) continue;
        evicted.push(id);
        freed += entry.sizeBytes;
      }
      if (freed < overflow) {
        throw new EdgeError("POOL_EXHAUSTED", 503, `no room for ${scriptId} (${sizeBytes} bytes): every other isolate is busy`);
      }
    }
    for (const id of evicted) delete this.#entries[id];
    delete this.#entries[scriptId];
    this.#entries[scriptId] = { sizeBytes, inFlight: (existing?.inFlight ?? 0) + 1 };
    this.#memoryBytes = after - freed;
    return { cold: existing === undefined, evicted };
  }

  release(scriptId: string): void {
    const entry = this.#entries[scriptId];
    if (entry === undefined || entry.inFlight === 0) {
      throw new EdgeError("NOT_IN_FLIGHT", 500, `release(${scriptId}) with no request in flight`);
    }
    entry.inFlight--;
  }

  /** Requests in flight on this script (0 when idle or not resident). */
  inFlight(scriptId: string): number {
    return this.#entries[scriptId]?.inFlight ?? 0;
  }

  /** Resident script ids, least recently used first. */
  resident(): string[] {
    return Object.keys(this.#entries);
  }

  /** Sum of the sizes of resident isolates. */
  memoryBytes(): number {
    return this.#memoryBytes;
  }
}
