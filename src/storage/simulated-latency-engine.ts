import type { ListRange, ObjectKey, StorageEngine, StoredAlarm, WriteBatch, WriteResult } from "./storage-engine.js";

export interface SimulatedLatencyOptions {
  /** Sleeps for virtual time (`sim.sleep`). */
  sleep: (ms: number) => Promise<void>;
  /** Time a write takes to become durable. @defaultValue 10 */
  writeMs?: number;
  /** Time a read takes. @defaultValue 0 */
  readMs?: number;
}

/**
 * Wraps an engine so that its operations take virtual time, which is how a simulation shows
 * what the output gate is for: the write is applied only when the delay has passed, so anything
 * delivered earlier would be a promise the storage could still break.
 */
export class SimulatedLatencyEngine implements StorageEngine {
  readonly #inner: StorageEngine;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #writeMs: number;
  readonly #readMs: number;

  constructor(inner: StorageEngine, options: SimulatedLatencyOptions) {
    this.#inner = inner;
    this.#sleep = options.sleep;
    this.#writeMs = options.writeMs ?? 10;
    this.#readMs = options.readMs ?? 0;
  }

  async read(object: ObjectKey, keys: readonly string[]): Promise<Map<string, Uint8Array>> {
    if (this.#readMs > 0) await this.#sleep(this.#readMs);
    return this.#inner.read(object, keys);
  }

  async list(object: ObjectKey, range: ListRange): Promise<Array<[string, Uint8Array]>> {
    if (this.#readMs > 0) await this.#sleep(this.#readMs);
    return this.#inner.list(object, range);
  }

  async write(object: ObjectKey, batch: WriteBatch): Promise<WriteResult> {
    if (this.#writeMs > 0) await this.#sleep(this.#writeMs);
    return this.#inner.write(object, batch);
  }

  async getAlarm(object: ObjectKey): Promise<number | null> {
    if (this.#readMs > 0) await this.#sleep(this.#readMs);
    return this.#inner.getAlarm(object);
  }

  listAlarms(): Promise<StoredAlarm[]> {
    return this.#inner.listAlarms();
  }
}
