// In-isolate module `node:crypto` (compatibility flag nodejs_compat): hashing, HMAC and random
// numbers. Hashes are computed by the host's node:crypto, like Web Crypto digests: `digest()`
// hands the bytes over once and gets the digest back (a synchronous host call, as Node's API
// is synchronous). Random bytes come from Web Crypto's getRandomValues.
import { Buffer } from "node:buffer";

// The host callback arrives on a global that only lives until this module is evaluated, which
// happens before any of the worker's own code runs (module-linker.ts).
const HOST_KEY = "__edgeKataNodeCrypto";
const host = globalThis[HOST_KEY];
delete globalThis[HOST_KEY];

// Captured now: later code may replace the global.
const web = globalThis.crypto;
const HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];
const RANDOM_CHUNK_BYTES = 65536; // getRandomValues' quota per call (W3C WebCryptoAPI)
const RANDOM_BYTES_MAX = 2 ** 31 - 1;

function algorithmOf(name) {
  const lower = String(name).toLowerCase();
  if (!HASHES.includes(lower)) throw new Error("Digest method not supported");
  return lower;
}

function bytesOf(data, encoding, what = "data") {
  if (typeof data === "string") return Buffer.from(data, encoding || "utf8");
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`The "${what}" argument must be of type string or an instance of Buffer, TypedArray, or DataView.`);
}

function concat(chunks, size) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}

class Hash {
  #algorithm;
  #key;
  #chunks = [];
  #size = 0;
  #done = false;

  constructor(algorithm, key) {
    this.#algorithm = algorithm;
    this.#key = key;
  }

  update(data, inputEncoding) {
    if (this.#done) throw new Error("Digest already called");
    const bytes = bytesOf(data, inputEncoding).slice();
    this.#chunks.push(bytes);
    this.#size += bytes.byteLength;
    return this;
  }

  digest(outputEncoding) {
    if (this.#done) throw new Error("Digest already called");
    this.#done = true;
    const op = this.#key === undefined ? "hash" : "hmac";
    const out = Buffer.from(host(op, this.#algorithm, concat(this.#chunks, this.#size), this.#key));
    this.#chunks = [];
    return outputEncoding === undefined || outputEncoding === "buffer" ? out : out.toString(outputEncoding);
  }

  copy() {
    if (this.#done) throw new Error("Digest already called");
    const copy = new Hash(this.#algorithm, this.#key);
    for (const c of this.#chunks) copy.update(c);
    return copy;
  }
}

export function createHash(algorithm) {
  return new Hash(algorithmOf(algorithm), undefined);
}

export function createHmac(algorithm, key, keyEncoding) {
  const k = bytesOf(key, typeof keyEncoding === "string" ? keyEncoding : undefined, "key");
  return new Hash(algorithmOf(algorithm), k.slice().buffer);
}

/** Node 21.7's one-shot `crypto.hash(algorithm, data[, outputEncoding])`. */
export function hash(algorithm, data, outputEncoding = "hex") {
  return createHash(algorithm).update(data).digest(outputEncoding);
}

export function getHashes() {
  return [...HASHES];
}

function checkSize(size) {
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || size > RANDOM_BYTES_MAX) {
    throw new RangeError(`The value of "size" is out of range. It must be >= 0 && <= ${RANDOM_BYTES_MAX}. Received ${String(size)}`);
  }
}

export function randomFillSync(buffer, offset = 0, size) {
  const view = new Uint8Array(buffer.buffer ?? buffer, buffer.byteOffset ?? 0, buffer.byteLength);
  const end = size === undefined ? view.byteLength : offset + size;
  if (!Number.isInteger(offset) || offset < 0 || end > view.byteLength || end < offset) throw new RangeError('The value of "offset" or "size" is out of range');
  for (let at = offset; at < end; at += RANDOM_CHUNK_BYTES) web.getRandomValues(view.subarray(at, Math.min(end, at + RANDOM_CHUNK_BYTES)));
  return buffer;
}

export function randomBytes(size, callback) {
  checkSize(size);
  const out = randomFillSync(Buffer.alloc(size));
  if (typeof callback !== "function") return out;
  queueMicrotask(() => callback(null, out));
  return undefined;
}

export function randomFill(buffer, offset, size, callback) {
  const cb = [offset, size, callback].find((a) => typeof a === "function");
  const filled = randomFillSync(buffer, typeof offset === "number" ? offset : 0, typeof size === "number" ? size : undefined);
  queueMicrotask(() => cb(null, filled));
}

/** A uniform integer in [min, max), by rejection sampling over 48 random bits, as Node does. */
export function randomInt(min, max, callback) {
  if (max === undefined || typeof max === "function") {
    callback = max;
    max = min;
    min = 0;
  }
  const range = max - min;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new TypeError('The "min" and "max" arguments must be safe integers');
  if (!(range > 0) || range > 2 ** 48) throw new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}) and at most 2^48 above it. Received ${max}`);
  const limit = 2 ** 48 - (2 ** 48 % range);
  const six = new Uint8Array(6);
  let x;
  do {
    web.getRandomValues(six);
    x = six.reduce((acc, b) => acc * 256 + b, 0);
  } while (x >= limit);
  const value = min + (x % range);
  if (typeof callback !== "function") return value;
  queueMicrotask(() => callback(null, value));
  return undefined;
}

export function randomUUID() {
  return web.randomUUID();
}

export function getRandomValues(array) {
  return web.getRandomValues(array);
}

export function timingSafeEqual(a, b) {
  const x = bytesOf(a, undefined, "buf1");
  const y = bytesOf(b, undefined, "buf2");
  if (x.byteLength !== y.byteLength) throw new RangeError("Input buffers must have the same byte length");
  let diff = 0;
  for (let i = 0; i < x.byteLength; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

export const webcrypto = web;
export const subtle = web.subtle;

export default {
  createHash, createHmac, hash, getHashes, randomBytes, randomFill, randomFillSync, randomInt, randomUUID,
  getRandomValues, timingSafeEqual, webcrypto, subtle,
};
