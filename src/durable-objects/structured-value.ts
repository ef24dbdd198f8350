import { deserialize, serialize } from "node:v8";
import { EdgeError } from "../core/errors.js";
import { compareKeys } from "../storage/key-order.js";
import { DO_BATCH_KEYS_MAX, DO_KEY_SIZE_BYTES_MAX, DO_SQLITE_KEY_VALUE_BYTES_MAX, DO_VALUE_SIZE_BYTES_MAX } from "./limits.js";

// A lone surrogate has no UTF-8 form, so SQLite would store U+FFFD instead and two different
// keys could collide. With the `u` flag this class matches only unpaired surrogates.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Values cross into storage (and RPC arguments cross between objects) as structured clones, the
 * same algorithm `postMessage` uses; V8's serializer implements it, and it refuses functions and
 * symbols. Serialising up front is what guarantees nothing is stored half-way.
 */
export function encodeValue(value: unknown, what = "value"): Uint8Array {
  if (value === undefined) {
    throw new EdgeError("DO_VALUE_NOT_SERIALIZABLE", 400, `${what} is undefined, which get() could not tell from a missing key`);
  }
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EdgeError("DO_VALUE_NOT_SERIALIZABLE", 400, `${what} cannot be structured-cloned: ${reason}`);
  }
  return bytes;
}

export function decodeValue(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}

/** A storage value: serialisable and within Cloudflare's value size limit. */
export function encodeStoredValue(key: string, value: unknown): Uint8Array {
  const bytes = encodeValue(value, `value of key "${key.slice(0, 64)}"`);
  if (bytes.byteLength > DO_VALUE_SIZE_BYTES_MAX) {
    throw new EdgeError(
      "DO_VALUE_TOO_LARGE",
      413,
      `value of key "${key.slice(0, 64)}" is ${bytes.byteLength} bytes serialised; the limit is ${DO_VALUE_SIZE_BYTES_MAX}`,
    );
  }
  return bytes;
}

/** A key of the SQLite backend: any string with a UTF-8 form (its size counts with the value). */
export function checkKeyString(key: unknown): string {
  if (typeof key !== "string") {
    throw new EdgeError("DO_KEY_INVALID", 400, `storage keys are strings, got ${typeof key}`);
  }
  if (LONE_SURROGATE.test(key)) {
    throw new EdgeError("DO_KEY_INVALID", 400, `key "${key.slice(0, 64)}" contains an unpaired surrogate`);
  }
  return key;
}

/** A value of the SQLite backend: key and serialised value together within 2 MB. */
export function encodeSqliteEntry(key: string, value: unknown): Uint8Array {
  const bytes = encodeValue(value, `value of key "${key.slice(0, 64)}"`);
  const total = Buffer.byteLength(key, "utf8") + bytes.byteLength;
  if (total > DO_SQLITE_KEY_VALUE_BYTES_MAX) {
    throw new EdgeError("DO_VALUE_TOO_LARGE", 413, `key "${key.slice(0, 64)}" and its value are ${total} bytes together; the limit is ${DO_SQLITE_KEY_VALUE_BYTES_MAX}`);
  }
  return bytes;
}

export function checkKey(key: unknown): string {
  if (typeof key !== "string") {
    throw new EdgeError("DO_KEY_INVALID", 400, `storage keys are strings, got ${typeof key}`);
  }
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > DO_KEY_SIZE_BYTES_MAX) {
    throw new EdgeError("DO_KEY_TOO_LARGE", 414, `key is ${bytes} bytes; the limit is ${DO_KEY_SIZE_BYTES_MAX}`);
  }
  if (LONE_SURROGATE.test(key)) {
    throw new EdgeError("DO_KEY_INVALID", 400, `key "${key.slice(0, 64)}" contains an unpaired surrogate`);
  }
  return key;
}

export function checkBatch(count: number, operation: string): void {
  if (count > DO_BATCH_KEYS_MAX) {
    throw new EdgeError("DO_TOO_MANY_KEYS", 400, `${operation} got ${count} keys; the limit is ${DO_BATCH_KEYS_MAX}`);
  }
}

/** The keys of a one-key or many-key storage call, each checked, and the batch bounded. */
export function checkedKeys(keyOrKeys: string | string[], operation: string): string[] {
  const keys = Array.isArray(keyOrKeys) ? keyOrKeys.map(checkKey) : [checkKey(keyOrKeys)];
  checkBatch(keys.length, operation);
  return keys;
}

/**
 * `get(key)` / `get(keys)` of the storage API on top of a raw read: checks the keys and the
 * batch size, then decodes one value (or undefined) or a Map of the found keys in key order.
 */
export async function getValues<T>(
  keyOrKeys: string | string[],
  read: (keys: string[]) => Promise<ReadonlyMap<string, Uint8Array>>,
): Promise<T | undefined | Map<string, T>> {
  const keys = checkedKeys(keyOrKeys, "get");
  const raw = await read(keys);
  if (!Array.isArray(keyOrKeys)) {
    const bytes = raw.get(keys[0] as string);
    return bytes === undefined ? undefined : (decodeValue(bytes) as T);
  }
  const found = new Map<string, T>();
  for (const key of [...raw.keys()].sort(compareKeys)) found.set(key, decodeValue(raw.get(key) as Uint8Array) as T);
  return found;
}

/**
 * `put(key, value)` / `put(entries)` of the storage API: every key and value checked and
 * serialised before anything is written (all or nothing).
 */
export function encodePuts(keyOrEntries: string | Record<string, unknown>, value: unknown): Array<readonly [string, Uint8Array]> {
  const entries = typeof keyOrEntries === "string" ? [[keyOrEntries, value] as const] : Object.entries(keyOrEntries);
  checkBatch(entries.length, "put");
  return entries.map(([k, v]) => [checkKey(k), encodeStoredValue(k, v)] as const);
}
