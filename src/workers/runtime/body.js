// In-isolate fragment: Request and Response. Bodies are buffered bytes (no streaming):
// the host hands over a copied ArrayBuffer, so `text()`, `json()` and `arrayBuffer()` are local.

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function extractBody(init, headers) {
  if (init === null || init === undefined) return null;
  const setType = (t) => { if (!headers.has("content-type")) headers.set("content-type", t); };
  if (init instanceof BodyStream) return init._bytes();
  if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) return new Uint8Array(toArrayBuffer(init));
  if (init instanceof URLSearchParams) { setType("application/x-www-form-urlencoded;charset=UTF-8"); return textEncoder.encode(init.toString()); }
  setType("text/plain;charset=UTF-8");
  return textEncoder.encode(String(init));
}

// The one-chunk stream behind `.body`, enough for readers and `for await`.
class BodyStream {
  #bytes; #done = false;
  constructor(bytes) { this.#bytes = bytes; }
  _bytes() { return this.#bytes; }
  get locked() { return false; }
  getReader() {
    return {
      read: async () => { if (this.#done) return { done: true, value: undefined }; this.#done = true; return { done: false, value: this.#bytes }; },
      releaseLock() {}, cancel: async () => { this.#done = true; }, closed: Promise.resolve(undefined),
    };
  }
  async *[Symbol.asyncIterator]() { if (!this.#done) { this.#done = true; yield this.#bytes; } }
}

class Body {
  #bytes; #used = false;
  _initBody(bytes) { this.#bytes = bytes; }
  _peekBytes() { return this.#bytes; }
  get body() { return this.#bytes === null ? null : new BodyStream(this.#bytes); }
  get bodyUsed() { return this.#used; }
  #consume() {
    if (this.#used) return Promise.reject(new TypeError("Body has already been used"));
    this.#used = true;
    return Promise.resolve(this.#bytes === null ? new Uint8Array(0) : this.#bytes);
  }
  async arrayBuffer() { const b = await this.#consume(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); }
  async bytes() { return new Uint8Array(await this.arrayBuffer()); }
  async text() { return textDecoder.decode(await this.#consume()); }
  async json() { return JSON.parse(await this.text()); }
}

const METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);

class Request extends Body {
  #method; #url; #headers; #redirect;
  constructor(input, init = {}) {
    super();
    const from = input instanceof Request ? input : null;
    this.#url = from ? from.url : new URL(String(input)).href;
    const method = String(init.method ?? (from ? from.method : "GET"));
    this.#method = METHODS.has(method.toUpperCase()) ? method.toUpperCase() : method;
    this.#headers = new Headers(init.headers ?? (from ? from.headers : undefined));
    this.#redirect = init.redirect ?? (from ? from.redirect : "follow");
    this.cf = init.cf ?? (from ? from.cf : undefined);
    const body = init.body !== undefined ? extractBody(init.body, this.#headers) : from ? from._peekBytes() : null;
    if (body !== null && (this.#method === "GET" || this.#method === "HEAD")) throw new TypeError("Request with GET/HEAD method cannot have body.");
    this._initBody(body);
  }
  get method() { return this.#method; }
  get url() { return this.#url; }
  get headers() { return this.#headers; }
  get redirect() { return this.#redirect; }
  get signal() { return undefined; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Request whose body was used");
    return new Request(this);
  }
}

class Response extends Body {
  #status; #statusText; #headers; #url = "";
  constructor(body = null, init = {}) {
    super();
    const status = init.status === undefined ? 200 : Number(init.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Response status ${init.status} is outside 200-599`);
    this.#status = status;
    this.#statusText = String(init.statusText ?? "");
    this.#headers = new Headers(init.headers);
    const bytes = extractBody(body, this.#headers);
    if (bytes !== null && [101, 204, 205, 304].includes(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
    this._initBody(bytes);
  }
  static json(data, init = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(JSON.stringify(data), { ...init, headers });
  }
  static redirect(url, status = 302) {
    if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError(`Invalid redirect status ${status}`);
    return new Response(null, { status, headers: { location: new URL(String(url)).href } });
  }
  get status() { return this.#status; }
  get statusText() { return this.#statusText; }
  get ok() { return this.#status >= 200 && this.#status < 300; }
  get headers() { return this.#headers; }
  get redirected() { return false; }
  get url() { return this.#url; }
  get type() { return "default"; }
  get webSocket() { return null; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Response whose body was used");
    return new Response(this._peekBytes(), { status: this.#status, statusText: this.#statusText, headers: this.#headers });
  }
}

function requestToWire(request) {
  const bytes = request._peekBytes();
  return { method: request.method, url: request.url, headers: request.headers._pairs(), body: bytes === null ? null : toArrayBuffer(bytes) };
}
function requestFromWire(wire) {
  return new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body, cf: wire.cf });
}
function responseToWire(response) {
  if (!(response instanceof Response)) throw new TypeError("The handler did not return a Response");
  const bytes = response._peekBytes();
  return { status: response.status, statusText: response.statusText, headers: response.headers._pairs(), body: bytes === null ? null : toArrayBuffer(bytes) };
}
function responseFromWire(wire) {
  return new Response(wire.body, { status: wire.status, statusText: wire.statusText, headers: wire.headers });
}

async function fetch(input, init) {
  const request = input instanceof Request && init === undefined ? input : new Request(input, init);
  return responseFromWire(await callHost("fetch", [requestToWire(request)]));
}

defineGlobal("Request", Request);
defineGlobal("Response", Response);
defineGlobal("fetch", fetch);
