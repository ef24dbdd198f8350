import { selectRange } from "./key-order.js";
import type { ListRange, ObjectKey, StorageEngine, StoredAlarm, WriteBatch, WriteResult } from "./storage-engine.js";

/**
 * Storage for simulations and tests: a map per object, kept outside any object instance, so it
 * outlives instances exactly as durable storage does. Every operation completes at once; wrap it
 * in `SimulatedLatencyEngine` to make writes take virtual time.
 */
export class MemoryStorageEngine implements StorageEngine {
  readonly #objects = new Map<string, Map<string, Uint8Array>>();
  readonly #alarms = new Map<string, StoredAlarm>();

  read(object: ObjectKey, keys: readonly string[]): Promise<Map<string, Uint8Array>> {
    const data = this.#objects.get(slot(object));
    const found = new Map<string, Uint8Array>();
    for (const key of keys) {
      const value = data?.get(key);
      if (value !== undefined) found.set(key, value.slice());
    }
    return Promise.resolve(found);
  }

  list(object: ObjectKey, range: ListRange): Promise<Array<[string, Uint8Array]>> {
    const data = this.#objects.get(slot(object)) ?? new Map<string, Uint8Array>();
    return Promise.resolve(selectRange(data.entries(), range).map(([k, v]) => [k, v.slice()]));
  }

  write(object: ObjectKey, batch: WriteBatch): Promise<WriteResult> {
    const name = slot(object);
    let data = this.#objects.get(name);
    if (data === undefined) {
      data = new Map();
      this.#objects.set(name, data);
    }
    if (batch.deleteAll === true) data.clear();
    let deletedCount = 0;
    for (const key of batch.deletes ?? []) if (data.delete(key)) deletedCount++;
    for (const [key, value] of batch.puts ?? []) data.set(key, value.slice());
    if (batch.alarmMs === null) this.#alarms.delete(name);
    else if (batch.alarmMs !== undefined) this.#alarms.set(name, { object: { ...object }, alarmMs: batch.alarmMs });
    return Promise.resolve({ deletedCount });
  }

  getAlarm(object: ObjectKey): Promise<number | null> {
    return Promise.resolve(this.#alarms.get(slot(object))?.alarmMs ?? null);
  }

  listAlarms(): Promise<StoredAlarm[]> {
    return Promise.resolve([...this.#alarms.values()]);
  }
}

function slot(object: ObjectKey): string {
  return `${object.namespace}\u0000${object.objectId}`;
}
