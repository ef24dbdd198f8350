// Lazy runtime module: Web Crypto (`crypto`, Crypto, SubtleCrypto, CryptoKey) with Workers'
// additions `crypto.subtle.timingSafeEqual` and `crypto.DigestStream`. Key material never lives
// in the isolate: the host keeps each CryptoKey (Node's webcrypto does the work, crypto-bridge.ts)
// and the isolate holds its numeric handle. Only ArrayBuffers, strings and plain JSON cross.

const { callHost, callHostSync, toArrayBuffer, lazyModule } = rt;

const RANDOM_BYTES_MAX = 65536; // Web Crypto getRandomValues quota (W3C WebCryptoAPI §10.1.1)
const INTERNAL = Symbol("internal");

// The host's key table is bounded, so a key the worker can no longer reach is released there.
const releasedKeys = new FinalizationRegistry((handle) => { callHost("subtle", ["release", handle]).catch(() => {}); });

let keyHandle;
let isCryptoKey;

class CryptoKey {
  #handle;
  #type;
  #extractable;
  #algorithm;
  #usages;
  static {
    keyHandle = (key) => key.#handle;
    isCryptoKey = (value) => value !== null && typeof value === "object" && #handle in value;
  }
  constructor(key = undefined, info = undefined) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#handle = info.handle;
    this.#type = info.type;
    this.#extractable = info.extractable;
    this.#algorithm = algorithmFromWire(info.algorithm);
    this.#usages = info.usages;
    releasedKeys.register(this, info.handle);
  }
  static #check(o) {
    if (!isCryptoKey(o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get type() { return CryptoKey.#check(this).#type; }
  get extractable() { return CryptoKey.#check(this).#extractable; }
  get algorithm() { return CryptoKey.#check(this).#algorithm; }
  get usages() { return CryptoKey.#check(this).#usages; }
}

/** RSA keys describe their public exponent as bytes; everything else is plain data. */
function algorithmFromWire(algorithm) {
  const out = { ...algorithm };
  if (out.publicExponent instanceof ArrayBuffer) out.publicExponent = new Uint8Array(out.publicExponent);
  return out;
}

function keyFromWire(info) {
  if (info !== null && typeof info === "object" && info.publicKey !== undefined) {
    return { publicKey: new CryptoKey(INTERNAL, info.publicKey), privateKey: new CryptoKey(INTERNAL, info.privateKey) };
  }
  return new CryptoKey(INTERNAL, info);
}

function bufferSource(value, what) {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return toArrayBuffer(value);
  throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': parameter is not of type 'BufferSource'.`);
}

function checkKey(key, what) {
  if (!isCryptoKey(key)) throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': parameter is not of type 'CryptoKey'.`);
  return keyHandle(key);
}

/**
 * An algorithm as plain data for the host: a name string becomes `{ name }`, binary members are
 * copied, a `hash` object keeps only its name, and a CryptoKey member (ECDH's `public`) becomes
 * `{ $cryptoKey: handle }`, which the host resolves in this isolate's key table.
 */
function algorithmToWire(algorithm, what) {
  if (typeof algorithm === "string") return { name: algorithm };
  if (algorithm === null || typeof algorithm !== "object") throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': the algorithm must be a string or an object.`);
  const out = {};
  for (const k in algorithm) {
    const v = algorithm[k];
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) out[k] = toArrayBuffer(v);
    else if (isCryptoKey(v)) out[k] = { $cryptoKey: keyHandle(v) };
    else if (k === "hash" && v !== null && typeof v === "object") out[k] = { name: String(v.name) };
    else if (typeof v === "function") continue;
    else out[k] = v;
  }
  if (typeof out.name !== "string") {
    if (out.name === undefined) throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': the algorithm has no name.`);
    out.name = String(out.name);
  }
  return out;
}

function usagesToWire(usages, what) {
  if (usages === null || typeof usages !== "object" || typeof usages[Symbol.iterator] !== "function") throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': the key usages must be a sequence.`);
  return [...usages].map(String);
}

function jwkToWire(keyData) {
  if (keyData === null || typeof keyData !== "object" || ArrayBuffer.isView(keyData) || keyData instanceof ArrayBuffer) throw new TypeError("Failed to execute 'importKey' on 'SubtleCrypto': a JWK must be an object.");
  return JSON.parse(JSON.stringify(keyData));
}

const subtleCall = (op, ...args) => callHost("subtle", [op, ...args]);

/** Runs `fn` and turns a synchronous throw into a rejected promise (every SubtleCrypto method returns one). */
function promised(fn) {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

let isSubtle;

class SubtleCrypto {
  static { isSubtle = (value) => value !== null && typeof value === "object" && #brand in value; }
  #brand = true;
  constructor(key = undefined) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
  }
  digest(algorithm, data) {
    return promised(() => subtleCall("digest", algorithmToWire(algorithm, "digest"), bufferSource(data, "digest")));
  }
  generateKey(algorithm, extractable, keyUsages) {
    return promised(() => subtleCall("generateKey", algorithmToWire(algorithm, "generateKey"), Boolean(extractable), usagesToWire(keyUsages, "generateKey")).then(keyFromWire));
  }
  importKey(format, keyData, algorithm, extractable, keyUsages) {
    return promised(() => {
      const f = String(format);
      const material = f === "jwk" ? jwkToWire(keyData) : bufferSource(keyData, "importKey");
      return subtleCall("importKey", f, material, algorithmToWire(algorithm, "importKey"), Boolean(extractable), usagesToWire(keyUsages, "importKey")).then(keyFromWire);
    });
  }
  exportKey(format, key) {
    return promised(() => subtleCall("exportKey", String(format), checkKey(key, "exportKey")));
  }
  sign(algorithm, key, data) {
    return promised(() => subtleCall("sign", algorithmToWire(algorithm, "sign"), checkKey(key, "sign"), bufferSource(data, "sign")));
  }
  verify(algorithm, key, signature, data) {
    return promised(() => subtleCall("verify", algorithmToWire(algorithm, "verify"), checkKey(key, "verify"), bufferSource(signature, "verify"), bufferSource(data, "verify")));
  }
  encrypt(algorithm, key, data) {
    return promised(() => subtleCall("encrypt", algorithmToWire(algorithm, "encrypt"), checkKey(key, "encrypt"), bufferSource(data, "encrypt")));
  }
  decrypt(algorithm, key, data) {
    return promised(() => subtleCall("decrypt", algorithmToWire(algorithm, "decrypt"), checkKey(key, "decrypt"), bufferSource(data, "decrypt")));
  }
  deriveBits(algorithm, baseKey, length = null) {
    return promised(() => subtleCall("deriveBits", algorithmToWire(algorithm, "deriveBits"), checkKey(baseKey, "deriveBits"), length === null || length === undefined ? null : Number(length)));
  }
  deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) {
    return promised(() => subtleCall("deriveKey", algorithmToWire(algorithm, "deriveKey"), checkKey(baseKey, "deriveKey"), algorithmToWire(derivedKeyType, "deriveKey"), Boolean(extractable), usagesToWire(keyUsages, "deriveKey")).then(keyFromWire));
  }
  wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    return promised(() => subtleCall("wrapKey", String(format), checkKey(key, "wrapKey"), checkKey(wrappingKey, "wrapKey"), algorithmToWire(wrapAlgorithm, "wrapKey")));
  }
  unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    return promised(() => subtleCall("unwrapKey", String(format), bufferSource(wrappedKey, "unwrapKey"), checkKey(unwrappingKey, "unwrapKey"), algorithmToWire(unwrapAlgorithm, "unwrapKey"), algorithmToWire(unwrappedKeyAlgorithm, "unwrapKey"), Boolean(extractable), usagesToWire(keyUsages, "unwrapKey")).then(keyFromWire));
  }
  /** Workers' constant-time comparison (the host's crypto.timingSafeEqual); lengths must match. */
  timingSafeEqual(a, b) {
    const x = bufferSource(a, "timingSafeEqual");
    const y = bufferSource(b, "timingSafeEqual");
    if (x.byteLength !== y.byteLength) throw new TypeError("Input buffers must have the same byte length.");
    return callHostSync("timingSafeEqual", [x, y]);
  }
}

const subtle = new SubtleCrypto(INTERNAL);

function getRandomValues(array) {
  if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
    throw new (lazyModule("events").DOMException)("The data argument must be an integer-type TypedArray", "TypeMismatchError");
  }
  if (array.byteLength > RANDOM_BYTES_MAX) {
    throw new (lazyModule("events").DOMException)(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (${RANDOM_BYTES_MAX})`, "QuotaExceededError");
  }
  const bytes = new Uint8Array(callHostSync("random", [array.byteLength]));
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes);
  return array;
}

function randomUUID() {
  const b = getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // RFC 9562 §5.4: version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 §4.1: variant 10
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

class Crypto {
  constructor(key = undefined) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
  }
  get subtle() { return subtle; }
  getRandomValues(array) { return getRandomValues(array); }
  randomUUID() { return randomUUID(); }
  /** Workers' WritableStream that hashes what is written to it (lives with the other streams). */
  get DigestStream() { return lazyModule("web-streams").DigestStream; }
}

const crypto = new Crypto(INTERNAL);

return { crypto, Crypto, SubtleCrypto, CryptoKey, isCryptoKey };
