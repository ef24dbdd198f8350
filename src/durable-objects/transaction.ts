import type { DurableObjectStorageApi } from "../core/bindings.js";
import type { ListRange, WriteBatch } from "../storage/storage-engine.js";
import { inRange, selectRange } from "../storage/key-order.js";
import { parseAlarmTime, parseListOptions } from "./list-options.js";
import { checkedKeys, decodeValue, encodePuts, getValues } from "./structured-value.js";

/** What a transaction reads through: committed state, bypassing its own buffer. */
export interface CommittedReader {
  readRaw(keys: readonly string[]): Promise<Map<string, Uint8Array>>;
  listRaw(range: ListRange): Promise<Array<[string, Uint8Array]>>;
  getAlarm(): Promise<number | null>;
}

/**
 * The `txn` handed to `storage.transaction(fn)`: writes are buffered and reads see them, and the
 * buffer becomes one engine batch when `fn` returns, so the transaction commits entirely or, if
 * `fn` throws (or calls `rollback()`), not at all.
 */
export class TransactionStorage implements DurableObjectStorageApi {
  readonly #base: CommittedReader;
  // null marks a key deleted inside the transaction.
  readonly #overlay = new Map<string, Uint8Array | null>();
  #cleared = false;
  #alarmMs: number | null | undefined = undefined;
  #rolledBack = false;

  constructor(base: CommittedReader) {
    this.#base = base;
  }

  get rolledBack(): boolean {
    return this.#rolledBack;
  }

  rollback(): void {
    this.#rolledBack = true;
  }

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  async get<T = unknown>(keyOrKeys: string | string[]): Promise<T | undefined | Map<string, T>> {
    return getValues<T>(keyOrKeys, (keys) => this.#read(keys));
  }


  put(key: string, value: unknown): Promise<void>;
  put(entries: Record<string, unknown>): Promise<void>;
  async put(keyOrEntries: string | Record<string, unknown>, value?: unknown): Promise<void> {
    for (const [k, bytes] of encodePuts(keyOrEntries, value)) this.#overlay.set(k, bytes);
  }

  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  async delete(keyOrKeys: string | string[]): Promise<boolean | number> {
    const keys = checkedKeys(keyOrKeys, "delete");
    const existing = await this.#read(keys);
    for (const key of keys) this.#overlay.set(key, null);
    return Array.isArray(keyOrKeys) ? existing.size : existing.size > 0;
  }

  async list<T = unknown>(options?: ListRange): Promise<Map<string, T>> {
    const range = parseListOptions(options);
    const { limit: _limit, ...unlimited } = range;
    const merged = new Map<string, Uint8Array>(this.#cleared ? [] : await this.#base.listRaw(unlimited));
    for (const [key, bytes] of this.#overlay) {
      if (bytes === null) merged.delete(key);
      else if (inRange(key, range)) merged.set(key, bytes);
    }
    return new Map(selectRange(merged.entries(), range).map(([k, v]) => [k, decodeValue(v) as T]));
  }

  transaction<T>(fn: (txn: DurableObjectStorageApi) => Promise<T>): Promise<T> {
    // Nested transactions join the enclosing one.
    return fn(this);
  }

  async deleteAll(): Promise<void> {
    this.#cleared = true;
    this.#overlay.clear();
  }

  async getAlarm(): Promise<number | null> {
    return this.#alarmMs !== undefined ? this.#alarmMs : this.#base.getAlarm();
  }

  async setAlarm(scheduledTimeMs: number | Date): Promise<void> {
    this.#alarmMs = parseAlarmTime(scheduledTimeMs);
  }

  async deleteAlarm(): Promise<void> {
    this.#alarmMs = null;
  }

  /** The buffered writes as one batch, or null when there is nothing to commit. */
  toBatch(): WriteBatch | null {
    if (this.#rolledBack) return null;
    const deletes = [...this.#overlay].filter(([, v]) => v === null).map(([k]) => k);
    const puts = [...this.#overlay].filter((e): e is [string, Uint8Array] => e[1] !== null);
    if (!this.#cleared && deletes.length === 0 && puts.length === 0 && this.#alarmMs === undefined) return null;
    return { deleteAll: this.#cleared, deletes, puts, ...(this.#alarmMs !== undefined && { alarmMs: this.#alarmMs }) };
  }

  async #read(keys: readonly string[]): Promise<Map<string, Uint8Array>> {
    const missing = keys.filter((k) => !this.#overlay.has(k));
    const base = this.#cleared || missing.length === 0 ? new Map<string, Uint8Array>() : await this.#base.readRaw(missing);
    const found = new Map<string, Uint8Array>();
    for (const key of keys) {
      const bytes = this.#overlay.has(key) ? this.#overlay.get(key) : base.get(key);
      if (bytes !== undefined && bytes !== null) found.set(key, bytes);
    }
    return found;
  }
}
