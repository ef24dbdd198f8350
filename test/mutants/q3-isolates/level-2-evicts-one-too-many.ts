// Mutant: keeps evicting until the freed bytes strictly exceed the overflow, so an exact fit evicts one isolate too many (budget 10, a(5) and b(5) idle, acquire c(5) evicts [a, b] instead of [a]). (blind)

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
  /** Resident isolates, least recently used first (a Map iterates in insertion order). */
  readonly #entries = new Map<string, Entry>();
  #memoryBytes = 0;

  constructor(readonly options: IsolatePoolOptions) {}

  acquire(scriptId: string, sizeBytes: number): Acquired {
    const existing = this.#entries.get(scriptId);
    const after = this.#memoryBytes - (existing?.sizeBytes ?? 0) + sizeBytes;
    const overflow = after - this.options.memoryBytesMax;
    const evicted: string[] = [];
    let freed = 0;
    if (overflow > 0) {
      for (const [id, entry] of this.#entries) {
        if (freed > overflow) break;
        if (id === scriptId || entry.inFlight > 0) continue;
        evicted.push(id);
        freed += entry.sizeBytes;
      }
      if (freed < overflow) {
        throw new EdgeError("POOL_EXHAUSTED", 503, `no room for ${scriptId} (${sizeBytes} bytes): every other isolate is busy`);
      }
    }
    for (const id of evicted) this.#entries.delete(id);
    this.#entries.delete(scriptId);
    this.#entries.set(scriptId, { sizeBytes, inFlight: (existing?.inFlight ?? 0) + 1 });
    this.#memoryBytes = after - freed;
    return { cold: existing === undefined, evicted };
  }

  release(scriptId: string): void {
    const entry = this.#entries.get(scriptId);
    if (entry === undefined || entry.inFlight === 0) {
      throw new EdgeError("NOT_IN_FLIGHT", 500, `release(${scriptId}) with no request in flight`);
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
