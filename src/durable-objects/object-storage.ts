import { EdgeError } from "../core/errors.js";
import type { DurableObjectStorageApi } from "../core/bindings.js";
import type { ListRange, ObjectKey, StorageEngine, WriteBatch, WriteResult } from "../storage/storage-engine.js";
import type { InputGate, OutputGate } from "./gates.js";
import { parseAlarmTime, parseListOptions } from "./list-options.js";
import { checkedKeys, decodeValue, encodePuts, getValues } from "./structured-value.js";
import { TransactionStorage, type CommittedReader } from "./transaction.js";

/** What one instance's storage needs from the runtime around it. */
export interface StorageContext {
  readonly object: ObjectKey;
  readonly engine: StorageEngine;
  readonly inputGate: InputGate;
  readonly outputGate: OutputGate;
  /**
   * Runs `op` after every earlier operation on this object (by any instance, so a migrated
   * object's new instance queues behind the old one's last write), failing with
   * DO_INSTANCE_SUPERSEDED if this instance has been replaced by the time its turn comes.
   */
  serialize<T>(op: () => Promise<T>): Promise<T>;
  /** Told after a committed write changed the alarm, so the runtime can arm or cancel it. */
  alarmChanged(alarmMs: number | null): void;
}

const noop = (): void => undefined;

/** Cloudflare's error for `ctx.storage.sql` on a class created with `new_classes`. */
export const SQL_NOT_ENABLED_MESSAGE = "SQL is not enabled for this Durable Object class. To enable it, change new_classes to new_sqlite_classes";

/** `state.storage`: the transactional key-value API of one Durable Object instance. */
export class DurableObjectStorage implements DurableObjectStorageApi, CommittedReader {
  readonly #ctx: StorageContext;

  constructor(ctx: StorageContext) {
    this.#ctx = ctx;
  }

  /** The key-value backend has no SQL; Cloudflare's getter throws this. */
  get sql(): never {
    throw new EdgeError("DO_SQL_NOT_ENABLED", 500, SQL_NOT_ENABLED_MESSAGE);
  }

  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  get<T = unknown>(keyOrKeys: string | string[]): Promise<T | undefined | Map<string, T>> {
    return quiet(() => getValues<T>(keyOrKeys, (keys) => this.readRaw(keys)));
  }

  put(key: string, value: unknown): Promise<void>;
  put(entries: Record<string, unknown>): Promise<void>;
  put(keyOrEntries: string | Record<string, unknown>, value?: unknown): Promise<void> {
    return quiet(async () => {
      await this.#write({ puts: encodePuts(keyOrEntries, value) });
    });
  }

  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  delete(keyOrKeys: string | string[]): Promise<boolean | number> {
    return quiet(async () => {
      const keys = checkedKeys(keyOrKeys, "delete");
      const { deletedCount } = await this.#write({ deletes: keys });
      return Array.isArray(keyOrKeys) ? deletedCount : deletedCount > 0;
    });
  }

  list<T = unknown>(options?: ListRange): Promise<Map<string, T>> {
    return quiet(async () => {
      const range = parseListOptions(options);
      const entries = await this.listRaw(range);
      return new Map(entries.map(([k, v]) => [k, decodeValue(v) as T]));
    });
  }

  /**
   * Runs `fn` with the input gate closed and its writes buffered, then commits them as one
   * batch. Reads inside see committed state plus the transaction's own writes; a request that
   * was already running when the transaction began may still read and write between the
   * transaction's reads (no conflict detection), but never sees half of its commit.
   */
  transaction<T>(fn: (txn: DurableObjectStorageApi) => Promise<T>): Promise<T> {
    return quiet(() =>
      this.#ctx.inputGate.whileLocked(async () => {
        const txn = new TransactionStorage(this);
        const result = await fn(txn);
        const batch = txn.toBatch();
        if (batch !== null) await this.#write(batch);
        return result;
      }),
    );
  }

  deleteAll(): Promise<void> {
    return quiet(async () => void (await this.#write({ deleteAll: true })));
  }

  getAlarm(): Promise<number | null> {
    return quiet(() => this.#op(false, () => this.#ctx.engine.getAlarm(this.#ctx.object)));
  }

  setAlarm(scheduledTimeMs: number | Date): Promise<void> {
    return quiet(async () => void (await this.#write({ alarmMs: parseAlarmTime(scheduledTimeMs) })));
  }

  deleteAlarm(): Promise<void> {
    return quiet(async () => void (await this.#write({ alarmMs: null })));
  }

  readRaw(keys: readonly string[]): Promise<Map<string, Uint8Array>> {
    return this.#op(false, () => this.#ctx.engine.read(this.#ctx.object, keys));
  }

  listRaw(range: ListRange): Promise<Array<[string, Uint8Array]>> {
    return this.#op(false, () => this.#ctx.engine.list(this.#ctx.object, range));
  }

  #write(batch: WriteBatch): Promise<WriteResult> {
    return this.#op(true, async () => {
      const result = await this.#ctx.engine.write(this.#ctx.object, batch);
      if (batch.alarmMs !== undefined) this.#ctx.alarmChanged(batch.alarmMs);
      return result;
    });
  }

  // ANCHOR: storage-op
  /** Every engine call: closes the input gate while in flight; writes also hold the output gate. */
  #op<T>(isWrite: boolean, op: () => Promise<T>): Promise<T> {
    const release = this.#ctx.inputGate.lock();
    const done = this.#ctx.serialize(op);
    done.then(release, release);
    if (isWrite) this.#ctx.outputGate.track(done);
    return done;
  }
  // ANCHOR_END: storage-op
}

/**
 * Objects often write without awaiting (the output gate makes that safe). Such a write that
 * fails must not become an unhandled rejection, which would take the whole host process down;
 * the output gate reports it instead, by withholding the response. Reads get the same
 * treatment so that no storage call of a (host-side) object can crash the host; whoever awaits
 * the promise still sees the error.
 */
export function quiet<T>(run: () => Promise<T>): Promise<T> {
  const promise = run();
  promise.catch(noop);
  return promise;
}
