import { webcrypto } from "node:crypto";
import { CRYPTO_KEYS_PER_ISOLATE_MAX } from "./limits.js";

/**
 * The host half of `crypto.subtle`. Keys stay host objects in a per-isolate table and the
 * isolate holds only their number, so key material and host objects never enter the isolate.
 * Only the algorithms Workers code commonly needs for JWTs and webhooks are accepted.
 */
const ALGORITHMS = new Set(["HMAC", "RSASSA-PKCS1-v1_5", "ECDSA"]);
const DIGESTS = new Set(["SHA-1", "SHA-256", "SHA-384", "SHA-512"]);
const FORMATS = new Set(["raw", "jwk", "spki", "pkcs8"]);
const USAGES = new Set(["sign", "verify"]);

interface AlgorithmWire {
  name: string;
  hash?: string;
  namedCurve?: string;
  length?: number;
}

export interface KeyInfo {
  handle: number;
  type: string;
  extractable: boolean;
  algorithm: Record<string, unknown>;
  usages: string[];
}

export class SubtleBridge {
  /** Keys currently held for the isolate; released when the isolate's CryptoKey is collected. */
  get size(): number {
    return this.#keys.size;
  }

  readonly #keys = new Map<number, webcrypto.CryptoKey>();
  #nextHandle = 1;

  async call(args: unknown[]): Promise<unknown> {
    const [op] = args;
    switch (op) {
      case "digest": {
        const name = algorithm(args[1]).name.toUpperCase();
        if (!DIGESTS.has(name)) throw new TypeError(`digest: unsupported algorithm "${name}"`);
        return webcrypto.subtle.digest(name, buffer(args[2]));
      }
      case "importKey":
        return this.#importKey(args);
      case "sign":
        return webcrypto.subtle.sign(algorithm(args[1]), this.#key(args[2]), buffer(args[3]));
      case "verify":
        return webcrypto.subtle.verify(algorithm(args[1]), this.#key(args[2]), buffer(args[3]), buffer(args[4]));
      case "release":
        this.#keys.delete(Number(args[1]));
        return undefined;
      default:
        throw new TypeError(`crypto.subtle.${String(op)} is not supported by this runtime`);
    }
  }

  async #importKey(args: unknown[]): Promise<KeyInfo> {
    const [, format, material, alg, extractable, usages] = args;
    if (typeof format !== "string" || !FORMATS.has(format)) throw new TypeError(`importKey: unsupported format "${String(format)}"`);
    const a = algorithm(alg);
    if (!ALGORITHMS.has(a.name)) throw new TypeError(`importKey: unsupported algorithm "${a.name}"`);
    if (!Array.isArray(usages) || !usages.every((u) => typeof u === "string" && USAGES.has(u))) {
      throw new TypeError("importKey: usages must be a subset of [\"sign\", \"verify\"]");
    }
    if (this.#keys.size >= CRYPTO_KEYS_PER_ISOLATE_MAX) {
      throw new RangeError(`importKey: this isolate holds ${this.#keys.size} keys; the limit is ${CRYPTO_KEYS_PER_ISOLATE_MAX}`);
    }
    const key =
      format === "jwk"
        ? await webcrypto.subtle.importKey("jwk", material as webcrypto.JsonWebKey, a, Boolean(extractable), usages as webcrypto.KeyUsage[])
        : await webcrypto.subtle.importKey(format as "raw" | "spki" | "pkcs8", buffer(material), a, Boolean(extractable), usages as webcrypto.KeyUsage[]);
    const handle = this.#nextHandle++;
    this.#keys.set(handle, key);
    return { handle, type: key.type, extractable: key.extractable, algorithm: describe(key.algorithm), usages: [...key.usages] };
  }

  #key(handle: unknown): webcrypto.CryptoKey {
    const key = typeof handle === "number" ? this.#keys.get(handle) : undefined;
    if (key === undefined) throw new TypeError("unknown CryptoKey");
    return key;
  }
}

function algorithm(value: unknown): AlgorithmWire {
  if (value === null || typeof value !== "object" || typeof (value as AlgorithmWire).name !== "string") {
    throw new TypeError("algorithm must be an object with a name");
  }
  const v = value as AlgorithmWire;
  const name = v.name.toUpperCase() === "RSASSA-PKCS1-V1_5" ? "RSASSA-PKCS1-v1_5" : v.name.toUpperCase();
  const out: AlgorithmWire = { name };
  if (typeof v.hash === "string") out.hash = v.hash.toUpperCase();
  if (typeof v.namedCurve === "string") out.namedCurve = v.namedCurve;
  if (typeof v.length === "number") out.length = v.length;
  return out;
}

function buffer(value: unknown): ArrayBuffer {
  if (!(value instanceof ArrayBuffer)) throw new TypeError("expected binary data");
  return value;
}

/** A plain copy of a key's algorithm; `hash` objects become `{ name }`, binary fields are dropped. */
function describe(alg: webcrypto.KeyAlgorithm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alg)) {
    if (k === "hash" && v !== null && typeof v === "object") out[k] = { name: (v as { name: string }).name };
    else if (typeof v === "string" || typeof v === "number") out[k] = v;
  }
  return out;
}
