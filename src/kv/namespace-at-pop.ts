import type { KvGetOptions, KvListKey, KvListOptions, KvListResult, KvNamespaceApi, KvPutOptions, KvValue, KvValueType } from "../core/bindings.js";
import { EdgeError } from "../core/errors.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { resolveCacheTtlMs, resolveExpirationSec, serialiseMetadata, validateKey, validateListLimit } from "./limits.js";
import type { KvStore } from "./store.js";
import { bytesToValue, resolveValueType, valueToBytes } from "./value-codec.js";
import type { StoredVersion } from "./version.js";

/**
 * `env.MY_KV` as a worker running in one PoP sees it: Cloudflare's KVNamespace API, with
 * every argument validated before anything is read or stored.
 */
export class KvNamespaceAtPop implements KvNamespaceApi {
  readonly #store: KvStore;
  readonly namespaceId: string;
  readonly pop: string;

  constructor(store: KvStore, namespaceId: string, pop: string) {
    this.#store = store;
    this.namespaceId = namespaceId;
    this.pop = pop;
  }

  async get(key: string, options?: KvGetOptions | KvValueType): Promise<unknown> {
    return (await this.getWithMetadata(key, options)).value;
  }

  async getWithMetadata(key: string, options?: KvGetOptions | KvValueType): Promise<{ value: unknown; metadata: unknown; cacheStatus: null }> {
    return this.getWithMetadataNow(key, options);
  }

  /** The read itself, answered in the same turn: the PoP's cache, else its tier, else the central store. */
  getWithMetadataNow(key: string, options?: KvGetOptions | KvValueType): { value: unknown; metadata: unknown; cacheStatus: null } {
    validateKey(key);
    const opts: KvGetOptions = typeof options === "string" ? { type: options } : options ?? {};
    const type = resolveValueType(opts.type);
    const cacheTtlMs = resolveCacheTtlMs(opts.cacheTtl);
    const version = this.#store.read(this.namespaceId, this.pop, key, cacheTtlMs);
    if (version === null || version.value === null) return { value: null, metadata: null, cacheStatus: null };
    return { value: bytesToValue(version.value, type), metadata: parseMetadata(version) ?? null, cacheStatus: null };
  }

  async put(key: string, value: KvValue, options: KvPutOptions = {}): Promise<void> {
    validateKey(key);
    const nowMs = this.#store.clock.nowMs();
    const expirationSec = resolveExpirationSec(nowMs, options.expiration, options.expirationTtl);
    const metadataJson = serialiseMetadata(options.metadata);
    const bytes = await valueToBytes(value);
    this.#store.write(this.namespaceId, this.pop, key, { value: bytes, metadataJson, expirationSec });
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    this.#store.write(this.namespaceId, this.pop, key, { value: null });
  }

  async list(options: KvListOptions = {}): Promise<KvListResult> {
    const prefix = options.prefix ?? "";
    if (typeof prefix !== "string") throw new EdgeError("KV_PREFIX_INVALID", 400, `list prefix must be a string, got ${typeof prefix}`);
    const limit = validateListLimit(options.limit);
    const afterKey = options.cursor === undefined || options.cursor === "" ? undefined : decodeCursor(options.cursor);
    const { entries, more } = this.#store.list(this.namespaceId, prefix, afterKey, limit);
    const keys = entries.map(([name, version]): KvListKey => {
      const key: KvListKey = { name };
      if (version.expirationSec !== undefined) key.expiration = version.expirationSec;
      const metadata = parseMetadata(version);
      if (metadata !== undefined) key.metadata = metadata;
      return key;
    });
    if (!more) return { keys, list_complete: true };
    return { keys, list_complete: false, cursor: encodeCursor((entries[entries.length - 1] as [string, StoredVersion])[0]) };
  }
}

function parseMetadata(version: StoredVersion): unknown {
  return version.metadataJson === undefined ? undefined : (JSON.parse(version.metadataJson) as unknown);
}
