/**
 * The contract between Durable Object storage and whatever keeps the bytes. Values arrive
 * already serialised (structured clone bytes), so an engine never interprets them.
 *
 * Every method is asynchronous even when an implementation is not, because the point of the
 * interface is that a write may take time (a disk flush, a replicated commit) and the Durable
 * Object runtime must model what happens while it does (input and output gates).
 */

/** Which object's storage an operation touches. Objects never see each other's keys. */
export interface ObjectKey {
  readonly namespace: string;
  readonly objectId: string;
}

/** A key range as Cloudflare's `storage.list()` takes it; see `selectRange` for the rules. */
import type { ListRange } from "../core/bindings.js";

export type { ListRange };

/**
 * One atomic write: all of it becomes durable or none of it does. Applied in this order:
 * `deleteAll`, then `deletes`, then `puts`, then the alarm change.
 */
export interface WriteBatch {
  deleteAll?: boolean;
  deletes?: readonly string[];
  puts?: ReadonlyArray<readonly [string, Uint8Array]>;
  /** `undefined` leaves the alarm alone, `null` clears it, a number sets it (ms since epoch). */
  alarmMs?: number | null;
}

export interface WriteResult {
  /** How many of `deletes` named a key that existed. */
  deletedCount: number;
}

export interface StoredAlarm {
  readonly object: ObjectKey;
  readonly alarmMs: number;
}

export interface StorageEngine {
  read(object: ObjectKey, keys: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Entries in the range, sorted by key in UTF-8 byte order (reversed if asked). */
  list(object: ObjectKey, range: ListRange): Promise<Array<[string, Uint8Array]>>;
  write(object: ObjectKey, batch: WriteBatch): Promise<WriteResult>;
  getAlarm(object: ObjectKey): Promise<number | null>;
  /** Every object with a pending alarm, so a restarted runtime can re-arm them. */
  listAlarms(): Promise<StoredAlarm[]>;
}
