// In-isolate fragment: Web Crypto. Key material never lives in the isolate: the host keeps
// each CryptoKey and the isolate holds its numeric handle. Only ArrayBuffers, strings and
// plain JSON cross the boundary.

const RANDOM_BYTES_MAX = 65536; // Web Crypto getRandomValues quota (W3C WebCryptoAPI §10.1.1)

// The host's key table is bounded, so a key the worker can no longer reach is released there.
const releasedKeys = new FinalizationRegistry((handle) => { callHost("subtle", ["release", handle]).catch(() => {}); });

class CryptoKey {
  #handle;
  constructor(handle, info) {
    this.#handle = handle;
    releasedKeys.register(this, handle);
    Object.defineProperties(this, {
      type: { value: info.type, enumerable: true },
      extractable: { value: info.extractable, enumerable: true },
      algorithm: { value: Object.freeze(info.algorithm), enumerable: true },
      usages: { value: Object.freeze(info.usages), enumerable: true },
    });
  }
  static _handle(key) {
    if (!(key instanceof CryptoKey)) throw new TypeError("Expected a CryptoKey");
    return key.#handle;
  }
}

function normaliseAlgorithm(algorithm) {
  if (typeof algorithm === "string") return { name: algorithm };
  const out = {};
  for (const [k, v] of Object.entries(algorithm)) {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) out[k] = toArrayBuffer(v);
    else if (k === "hash" && typeof v === "object") out[k] = v.name;
    else out[k] = v;
  }
  return out;
}

const subtle = {
  async digest(algorithm, data) {
    return callHost("subtle", ["digest", normaliseAlgorithm(algorithm), toArrayBuffer(data)]);
  },
  async importKey(format, keyData, algorithm, extractable, usages) {
    const material = format === "jwk" ? JSON.parse(JSON.stringify(keyData)) : toArrayBuffer(keyData);
    const info = await callHost("subtle", ["importKey", String(format), material, normaliseAlgorithm(algorithm), Boolean(extractable), [...usages].map(String)]);
    return new CryptoKey(info.handle, info);
  },
  async sign(algorithm, key, data) {
    return callHost("subtle", ["sign", normaliseAlgorithm(algorithm), CryptoKey._handle(key), toArrayBuffer(data)]);
  },
  async verify(algorithm, key, signature, data) {
    return callHost("subtle", ["verify", normaliseAlgorithm(algorithm), CryptoKey._handle(key), toArrayBuffer(signature), toArrayBuffer(data)]);
  },
};

function getRandomValues(array) {
  if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
    throw new TypeError("getRandomValues needs an integer TypedArray");
  }
  if (array.byteLength > RANDOM_BYTES_MAX) throw new RangeError(`getRandomValues: ${array.byteLength} bytes requested; the quota is ${RANDOM_BYTES_MAX}`);
  const bytes = new Uint8Array(callHostSync("random", [array.byteLength]));
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes);
  return array;
}

function randomUUID() {
  const b = getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // RFC 9562 §5.4: version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 §4.1: variant 10
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

defineGlobal("crypto", Object.freeze({ subtle: Object.freeze(subtle), getRandomValues, randomUUID }));
defineGlobal("CryptoKey", CryptoKey);
