/**
 * The host-side contracts between the Workers runtime (src/workers) and the storage
 * subsystems (src/kv, src/durable-objects). HTTP messages on the host are the WHATWG
 * `Request` / `Response` classes of Node 20; the isolate has its own copies and the runtime
 * converts at the boundary.
 *
 * These shapes follow Cloudflare's public Workers API (KVNamespace, DurableObjectNamespace,
 * DurableObjectState, DurableObjectStorage) so unmodified workers run against them.
 */

export type KvValueType = "text" | "json" | "arrayBuffer" | "stream";

export interface KvGetOptions {
  type?: KvValueType;
  /** Seconds the reading PoP may cache the value; Cloudflare's minimum is 30. */
  cacheTtl?: number;
}

export interface KvPutOptions {
  /** Absolute expiry, seconds since the epoch. */
  expiration?: number;
  /** Relative expiry in seconds; Cloudflare's minimum is 60. */
  expirationTtl?: number;
  /** JSON-serialisable, at most 1024 bytes serialised. */
  metadata?: unknown;
}

export interface KvListOptions {
  prefix?: string;
  /** At most 1000 (the default). */
  limit?: number;
  cursor?: string;
}

export interface KvListKey {
  name: string;
  expiration?: number;
  metadata?: unknown;
}

export interface KvListResult {
  keys: KvListKey[];
  list_complete: boolean;
  cursor?: string;
}

export type KvValue = string | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array>;

/** One KV namespace as seen from one PoP (reads are served by that PoP's cache). */
export interface KvNamespaceApi {
  get(key: string, options?: KvGetOptions | KvValueType): Promise<unknown>;
  getWithMetadata(
    key: string,
    options?: KvGetOptions | KvValueType,
  ): Promise<{ value: unknown; metadata: unknown; cacheStatus: null }>;
  put(key: string, value: KvValue, options?: KvPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: KvListOptions): Promise<KvListResult>;
  /**
   * Optional: `getWithMetadata` answered at once, for a namespace whose reads never wait (the
   * PoP's cache and store are in this process). Same validation, same errors, same value. The
   * Workers runtime uses it to answer a read without leaving the isolate's synchronous turn.
   */
  getWithMetadataNow?(key: string, options?: KvGetOptions | KvValueType): { value: unknown; metadata: unknown; cacheStatus: null };
}

export interface DurableObjectIdApi {
  /** 64 hex characters, as on Cloudflare. */
  toString(): string;
  equals(other: DurableObjectIdApi): boolean;
  readonly name?: string;
}

/** A key range as Cloudflare's `storage.list()` takes it (the storage engine's too). */
export interface ListRange {
  start?: string;
  startAfter?: string;
  end?: string;
  prefix?: string;
  reverse?: boolean;
  limit?: number;
}

export interface DurableObjectStorageApi {
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  put(key: string, value: unknown): Promise<void>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  list<T = unknown>(options?: ListRange): Promise<Map<string, T>>;
  transaction<T>(fn: (txn: DurableObjectStorageApi) => Promise<T>): Promise<T>;
  deleteAll(): Promise<void>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTimeMs: number | Date): Promise<void>;
  deleteAlarm(): Promise<void>;
}

export interface DurableObjectStateApi {
  readonly id: DurableObjectIdApi;
  readonly storage: DurableObjectStorageApi;
  blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
  waitUntil(promise: Promise<unknown>): void;
  /** Resets the object: the next event runs on a new instance (after any restore it asked for). */
  abort?(reason?: string): never;
}

/** What a Durable Object class instance offers to the runtime. */
export interface DurableObjectInstanceApi {
  fetch?(request: Request): Promise<Response>;
  alarm?(): Promise<void>;
  /** RPC-style methods are called through `DurableObjectStubApi.call`. */
  [method: string]: unknown;
}

/**
 * Creates one instance of a Durable Object class. The DO runtime calls it exactly once per
 * live instance; the Workers runtime provides factories for classes exported by a script.
 */
export type DurableObjectFactory = (state: DurableObjectStateApi) => DurableObjectInstanceApi | Promise<DurableObjectInstanceApi>;

export interface DurableObjectStubApi {
  readonly id: DurableObjectIdApi;
  fetch(request: Request): Promise<Response>;
  /** RPC: calls a method of the instance with structured-cloneable arguments. */
  call(method: string, ...args: unknown[]): Promise<unknown>;
}

export interface DurableObjectNamespaceApi {
  idFromName(name: string): DurableObjectIdApi;
  newUniqueId(options?: { jurisdiction?: string }): DurableObjectIdApi;
  idFromString(hex: string): DurableObjectIdApi;
  get(id: DurableObjectIdApi): DurableObjectStubApi;
}

/** A value in a worker's `env`. */
export type BindingValue = string | KvNamespaceApi | DurableObjectNamespaceApi | Record<string, unknown>;
