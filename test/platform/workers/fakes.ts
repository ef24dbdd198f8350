// Small in-memory stand-ins for the host binding APIs (src/core/bindings.ts), so the Workers
// runtime is tested without the real KV and Durable Object subsystems.
import { createHash } from "node:crypto";
import type {
  DurableObjectFactory,
  DurableObjectIdApi,
  DurableObjectInstanceApi,
  DurableObjectNamespaceApi,
  DurableObjectStateApi,
  DurableObjectStorageApi,
  DurableObjectStubApi,
  KvGetOptions,
  KvListOptions,
  KvListResult,
  KvNamespaceApi,
  KvPutOptions,
  KvValue,
  KvValueType,
} from "../../../src/core/bindings.js";

export class FakeKv implements KvNamespaceApi {
  readonly data = new Map<string, { value: string | ArrayBuffer; metadata: unknown }>();

  async get(key: string, options?: KvGetOptions | KvValueType): Promise<unknown> {
    return (await this.getWithMetadata(key, options)).value;
  }

  async getWithMetadata(key: string, options?: KvGetOptions | KvValueType): Promise<{ value: unknown; metadata: unknown; cacheStatus: null }> {
    return this.readNow(key, options);
  }

  /** The read, synchronously; a test may offer it as `getWithMetadataNow`. Keys over 512 bytes fail as on Cloudflare. */
  readNow(key: string, options?: KvGetOptions | KvValueType): { value: unknown; metadata: unknown; cacheStatus: null } {
    if (Buffer.byteLength(key) > 512) throw Object.assign(new Error(`key is ${Buffer.byteLength(key)} bytes; the limit is 512`), { code: "KV_KEY_TOO_LARGE" });
    const entry = this.data.get(key);
    if (entry === undefined) return { value: null, metadata: null, cacheStatus: null };
    const type = typeof options === "string" ? options : options?.type ?? "text";
    const text = typeof entry.value === "string" ? entry.value : new TextDecoder().decode(entry.value);
    const value = type === "json" ? JSON.parse(text) : type === "arrayBuffer" ? new TextEncoder().encode(text).buffer : text;
    return { value, metadata: entry.metadata ?? null, cacheStatus: null };
  }

  async put(key: string, value: KvValue, options?: KvPutOptions): Promise<void> {
    if (typeof value !== "string" && !(value instanceof ArrayBuffer)) throw new TypeError("fake KV takes strings and ArrayBuffers");
    this.data.set(key, { value, metadata: options?.metadata });
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  async list(options?: KvListOptions): Promise<KvListResult> {
    const keys = [...this.data.keys()].filter((k) => k.startsWith(options?.prefix ?? "")).sort();
    return { keys: keys.map((name) => ({ name })), list_complete: true };
  }
}

class FakeId implements DurableObjectIdApi {
  constructor(readonly hex: string, readonly name?: string) {}
  toString(): string {
    return this.hex;
  }
  equals(other: DurableObjectIdApi): boolean {
    return other.toString() === this.hex;
  }
}

export class FakeStorage {
  readonly data = new Map<string, unknown>();
  async get(key: string | string[]): Promise<unknown> {
    if (Array.isArray(key)) return new Map(key.filter((k) => this.data.has(k)).map((k) => [k, structuredClone(this.data.get(k))]));
    return structuredClone(this.data.get(key));
  }
  async put(key: string | Record<string, unknown>, value?: unknown): Promise<void> {
    if (typeof key === "string") this.data.set(key, structuredClone(value));
    else for (const [k, v] of Object.entries(key)) this.data.set(k, structuredClone(v));
  }
  async delete(key: string): Promise<boolean> {
    return this.data.delete(key);
  }
  async list(): Promise<Map<string, unknown>> {
    return new Map([...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** One namespace whose objects are created by a factory: the Workers runtime's own, in tests. */
export class FakeDurableObjectNamespace implements DurableObjectNamespaceApi {
  readonly #instances = new Map<string, Promise<DurableObjectInstanceApi>>();
  readonly storages = new Map<string, FakeStorage>();
  factory: DurableObjectFactory | null = null;
  #unique = 0;

  idFromName(name: string): DurableObjectIdApi {
    return new FakeId(createHash("sha256").update(name).digest("hex"), name);
  }
  newUniqueId(): DurableObjectIdApi {
    return new FakeId(createHash("sha256").update(`unique-${this.#unique++}`).digest("hex"));
  }
  idFromString(hex: string): DurableObjectIdApi {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError(`not a Durable Object id: ${hex}`);
    return new FakeId(hex);
  }
  get(id: DurableObjectIdApi): DurableObjectStubApi {
    const instance = (): Promise<DurableObjectInstanceApi> => {
      const hex = id.toString();
      let p = this.#instances.get(hex);
      if (p === undefined) {
        const storage = new FakeStorage();
        this.storages.set(hex, storage);
        const state: DurableObjectStateApi = {
          id,
          storage: storage as unknown as DurableObjectStorageApi,
          blockConcurrencyWhile: (fn) => fn(),
          waitUntil: () => {},
        };
        if (this.factory === null) throw new Error("no factory");
        p = Promise.resolve(this.factory(state));
        this.#instances.set(hex, p);
      }
      return p;
    };
    return {
      id,
      fetch: async (request) => (await instance()).fetch!(request),
      call: async (method, ...args) => ((await instance())[method] as (...a: unknown[]) => Promise<unknown>)(...args),
    };
  }
}
