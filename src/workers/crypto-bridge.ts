import { createHash, type Hash, timingSafeEqual, webcrypto } from "node:crypto";
import { CRYPTO_KEYS_PER_ISOLATE_MAX, DIGEST_STREAMS_PER_ISOLATE_MAX } from "./limits.js";

/**
 * The host half of `crypto.subtle` (runtime/lazy/crypto.js). Keys stay host objects in a
 * per-isolate table and the isolate holds only their number, so key material and host objects
 * never enter the isolate; Node's webcrypto does the work and raises WebCrypto's own errors
 * (DOMExceptions such as NotSupportedError), which go back to the isolate by name.
 *
 * Everything from the isolate is plain copied data and is checked here: an operation from the
 * list, formats and usages as strings, binary data as ArrayBuffers, an algorithm as an object
 * with known members only, and each key handle a number this table issued and still holds.
 */
const FORMATS = new Set(["raw", "jwk", "spki", "pkcs8"]);
const USAGES = new Set(["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"]);
/** Members a WebCrypto algorithm dictionary may carry (WebCryptoAPI §11-§30). */
const ALGORITHM_MEMBERS = new Set([
  "name", "hash", "namedCurve", "length", "modulusLength", "publicExponent", "saltLength", "label", "iv",
  "additionalData", "tagLength", "counter", "public", "salt", "info", "iterations",
]);
/** DigestStream algorithms: WebCrypto's digests plus MD5, which workerd's DigestStream also offers. */
const DIGEST_STREAM_ALGORITHMS = new Map([["SHA-1", "sha1"], ["SHA-256", "sha256"], ["SHA-384", "sha384"], ["SHA-512", "sha512"], ["MD5", "md5"]]);

type Algorithm = Record<string, unknown> & { name: string };
type Key = webcrypto.CryptoKey;
type Usages = webcrypto.KeyUsage[];

/** webcrypto.subtle with algorithms as plain dictionaries: Node normalises and checks them. */
interface Subtle {
  digest(a: Algorithm, data: ArrayBuffer): Promise<ArrayBuffer>;
  generateKey(a: Algorithm, extractable: boolean, usages: Usages): Promise<Key | webcrypto.CryptoKeyPair>;
  importKey(format: string, data: ArrayBuffer | webcrypto.JsonWebKey, a: Algorithm, extractable: boolean, usages: Usages): Promise<Key>;
  exportKey(format: string, key: Key): Promise<ArrayBuffer | webcrypto.JsonWebKey>;
  sign(a: Algorithm, key: Key, data: ArrayBuffer): Promise<ArrayBuffer>;
  verify(a: Algorithm, key: Key, signature: ArrayBuffer, data: ArrayBuffer): Promise<boolean>;
  encrypt(a: Algorithm, key: Key, data: ArrayBuffer): Promise<ArrayBuffer>;
  decrypt(a: Algorithm, key: Key, data: ArrayBuffer): Promise<ArrayBuffer>;
  deriveBits(a: Algorithm, key: Key, length: number | null): Promise<ArrayBuffer>;
  deriveKey(a: Algorithm, key: Key, derived: Algorithm, extractable: boolean, usages: Usages): Promise<Key>;
  wrapKey(format: string, key: Key, wrappingKey: Key, a: Algorithm): Promise<ArrayBuffer>;
  unwrapKey(format: string, wrapped: ArrayBuffer, key: Key, a: Algorithm, unwrapped: Algorithm, extractable: boolean, usages: Usages): Promise<Key>;
}
const subtle = webcrypto.subtle as unknown as Subtle;

export interface KeyInfo {
  handle: number;
  type: string;
  extractable: boolean;
  algorithm: Record<string, unknown>;
  usages: string[];
}

export class SubtleBridge {
  readonly #keys = new Map<number, webcrypto.CryptoKey>();
  readonly #digests = new Map<number, { hash: Hash; bytes: number }>();
  #nextHandle = 1;
  #nextDigest = 1;

  /** Keys currently held for the isolate; released when the isolate's CryptoKey is collected. */
  get size(): number {
    return this.#keys.size;
  }

  async call(args: unknown[]): Promise<unknown> {
    const [op] = args;
    const s = subtle;
    switch (op) {
      case "digest":
        return s.digest(this.#algorithm(args[1]), buffer(args[2]));
      case "generateKey": {
        const result = await s.generateKey(this.#algorithm(args[1]), Boolean(args[2]), usages(args[3]));
        return "publicKey" in result ? { publicKey: this.#register(result.publicKey), privateKey: this.#register(result.privateKey) } : this.#register(result);
      }
      case "importKey":
        return this.#register(await this.#importKey(args[1], args[2], this.#algorithm(args[3]), Boolean(args[4]), usages(args[5])));
      case "exportKey":
        return transferable(await s.exportKey(format(args[1]), this.#key(args[2])));
      case "sign":
        return s.sign(this.#algorithm(args[1]), this.#key(args[2]), buffer(args[3]));
      case "verify":
        return s.verify(this.#algorithm(args[1]), this.#key(args[2]), buffer(args[3]), buffer(args[4]));
      case "encrypt":
        return s.encrypt(this.#algorithm(args[1]), this.#key(args[2]), buffer(args[3]));
      case "decrypt":
        return s.decrypt(this.#algorithm(args[1]), this.#key(args[2]), buffer(args[3]));
      case "deriveBits": {
        return s.deriveBits(this.#algorithm(args[1]), this.#key(args[2]), args[3] === null ? null : Number(args[3]));
      }
      case "deriveKey":
        return this.#register(await s.deriveKey(this.#algorithm(args[1]), this.#key(args[2]), this.#algorithm(args[3]), Boolean(args[4]), usages(args[5])));
      case "wrapKey":
        return s.wrapKey(format(args[1]), this.#key(args[2]), this.#key(args[3]), this.#algorithm(args[4]));
      case "unwrapKey":
        return this.#register(await s.unwrapKey(format(args[1]), buffer(args[2]), this.#key(args[3]), this.#algorithm(args[4]), this.#algorithm(args[5]), Boolean(args[6]), usages(args[7])));
      case "release":
        this.#keys.delete(Number(args[1]));
        return undefined;
      default:
        throw new TypeError(`crypto.subtle.${String(op)} is not supported by this runtime`);
    }
  }

  /** `crypto.subtle.timingSafeEqual`: the isolate checked the lengths; checked again here. */
  timingSafeEqual(a: unknown, b: unknown): boolean {
    const x = new Uint8Array(buffer(a));
    const y = new Uint8Array(buffer(b));
    if (x.byteLength !== y.byteLength) throw new TypeError("Input buffers must have the same byte length.");
    return timingSafeEqual(x, y);
  }

  /** DigestStream's hash state, kept here and named by a handle like a key. */
  digestOpen(algorithm: unknown): number {
    const name = typeof algorithm === "string" ? algorithm : algorithm !== null && typeof algorithm === "object" ? (algorithm as { name?: unknown }).name : undefined;
    const node = typeof name === "string" ? DIGEST_STREAM_ALGORITHMS.get(name.toUpperCase()) : undefined;
    if (node === undefined) throw new DOMException(`DigestStream: unsupported algorithm ${JSON.stringify(name)}`, "NotSupportedError");
    if (this.#digests.size >= DIGEST_STREAMS_PER_ISOLATE_MAX) throw new RangeError(`${this.#digests.size} DigestStreams are open in this isolate; the limit is ${DIGEST_STREAMS_PER_ISOLATE_MAX}`);
    const handle = this.#nextDigest++;
    this.#digests.set(handle, { hash: createHash(node), bytes: 0 });
    return handle;
  }

  digestUpdate(handle: unknown, data: unknown): void {
    const entry = this.#digest(handle);
    const bytes = buffer(data);
    entry.hash.update(new Uint8Array(bytes));
    entry.bytes += bytes.byteLength;
  }

  digestFinish(handle: unknown): ArrayBuffer {
    const entry = this.#digest(handle);
    this.#digests.delete(handle as number);
    const digest = entry.hash.digest();
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
  }

  digestRelease(handle: unknown): void {
    if (typeof handle === "number") this.#digests.delete(handle);
  }

  #digest(handle: unknown): { hash: Hash; bytes: number } {
    const entry = typeof handle === "number" ? this.#digests.get(handle) : undefined;
    if (entry === undefined) throw new TypeError("this DigestStream is closed or was never opened in this isolate");
    return entry;
  }

  async #importKey(fmt: unknown, material: unknown, alg: Algorithm, extractable: boolean, keyUsages: webcrypto.KeyUsage[]): Promise<webcrypto.CryptoKey> {
    const f = format(fmt);
    if (f === "jwk") {
      if (material === null || typeof material !== "object" || Array.isArray(material) || material instanceof ArrayBuffer) throw new TypeError("a JWK must be an object");
      return subtle.importKey("jwk", material as webcrypto.JsonWebKey, alg, extractable, keyUsages);
    }
    return subtle.importKey(f, buffer(material), alg, extractable, keyUsages);
  }

  #register(key: webcrypto.CryptoKey): KeyInfo {
    if (this.#keys.size >= CRYPTO_KEYS_PER_ISOLATE_MAX) {
      throw new RangeError(`this isolate holds ${this.#keys.size} keys; the limit is ${CRYPTO_KEYS_PER_ISOLATE_MAX}`);
    }
    const handle = this.#nextHandle++;
    this.#keys.set(handle, key);
    return { handle, type: key.type, extractable: key.extractable, algorithm: describe(key.algorithm), usages: [...key.usages] };
  }

  #key(handle: unknown): webcrypto.CryptoKey {
    const key = typeof handle === "number" ? this.#keys.get(handle) : undefined;
    if (key === undefined) throw new TypeError("the CryptoKey is not a key of this isolate");
    return key;
  }

  /** A plain algorithm from the isolate, its key member (ECDH/X25519 `public`) resolved in this table. */
  #algorithm(value: unknown): Algorithm {
    if (value === null || typeof value !== "object" || Array.isArray(value) || typeof (value as { name?: unknown }).name !== "string") {
      throw new TypeError("the algorithm must be an object with a name");
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!ALGORITHM_MEMBERS.has(k)) continue;
      if (v !== null && typeof v === "object" && !(v instanceof ArrayBuffer)) {
        if (Object.hasOwn(v, "$cryptoKey")) out[k] = this.#key((v as { $cryptoKey: unknown }).$cryptoKey);
        else if (k === "hash" && typeof (v as { name?: unknown }).name === "string") out[k] = { name: (v as { name: string }).name };
        else throw new TypeError(`the algorithm's ${k} is not a valid value`);
      } else if (k === "publicExponent" && v instanceof ArrayBuffer) {
        out[k] = new Uint8Array(v); // Node's RSA key generation takes a Uint8Array here
      } else {
        out[k] = v;
      }
    }
    return out as Algorithm;
  }
}

function format(value: unknown): "raw" | "jwk" | "spki" | "pkcs8" {
  if (typeof value !== "string" || !FORMATS.has(value)) {
    throw new TypeError(`the key format ${JSON.stringify(value)} is not one of raw, jwk, spki, pkcs8`);
  }
  return value as "raw" | "jwk" | "spki" | "pkcs8";
}

function usages(value: unknown): webcrypto.KeyUsage[] {
  if (!Array.isArray(value) || !value.every((u) => typeof u === "string")) throw new TypeError("key usages must be a list of strings");
  const bad = value.find((u) => !USAGES.has(u as string));
  if (bad !== undefined) throw new TypeError(`'${String(bad)}' is not a valid key usage`);
  return value as webcrypto.KeyUsage[];
}

function buffer(value: unknown): ArrayBuffer {
  if (!(value instanceof ArrayBuffer)) throw new TypeError("expected binary data");
  return value;
}

/** An exported key as plain data: raw/spki/pkcs8 bytes, or the JWK object. */
function transferable(value: ArrayBuffer | webcrypto.JsonWebKey): unknown {
  return value instanceof ArrayBuffer ? value : JSON.parse(JSON.stringify(value));
}

/** A plain copy of a key's algorithm: `hash` objects become `{ name }`, the RSA exponent its bytes. */
function describe(alg: webcrypto.KeyAlgorithm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alg)) {
    if (k === "hash" && v !== null && typeof v === "object") out[k] = { name: (v as { name: string }).name };
    else if (v instanceof Uint8Array) out[k] = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
    else if (typeof v === "string" || typeof v === "number") out[k] = v;
  }
  return out;
}
