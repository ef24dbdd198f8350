// In-isolate fragment: Request, Response and fetch. A body is one of: null; bytes the
// worker's code made (a string, an ArrayBuffer...), kept as one Uint8Array until `.body` asks for
// a stream; or a ReadableStream (streams.js), which for a body the host handed over holds a host
// handle. Passing such a body on untouched sends the handle back and the host pipes the original
// stream; reading it pulls chunks from the host. A stream made by the worker's code is read
// here when it crosses the boundary, so its bytes cross as one buffer.

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const REQUEST_BODY_USED = "Cannot reconstruct a Request with a used body.";

function extractBody(init, headers) {
  if (init === null || init === undefined) return null;
  const setType = (t) => { if (!headers.has("content-type")) headers.set("content-type", t); };
  if (isStream(init)) {
    const S = streamInternals(init);
    if (S.disturbed) throw new TypeError(STREAM_DISTURBED);
    if (S.reader !== null) throw new TypeError(STREAM_LOCKED);
    return init;
  }
  if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) return new Uint8Array(toArrayBuffer(init));
  if (init instanceof URLSearchParams) { setType("application/x-www-form-urlencoded;charset=UTF-8"); return textEncoder.encode(init.toString()); }
  setType("text/plain;charset=UTF-8");
  return textEncoder.encode(String(init));
}

/** The whole ArrayBuffer of `bytes` when they span it (no copy), else a copy of just them. */
function bytesToBuffer(bytes) {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

// Set in Body's static block; Request and Response reach their body only through these.
let initBody;
let moveBody;
let cloneBody;
let bodyToWire;

class Body {
  // null | Uint8Array (one owner: clones copy, moves mark the source used) | ReadableStream
  #body = null;
  #used = false;
  static {
    initBody = (o, body) => { o.#body = body; };
    // `new Request(request)`: the new request takes the body over; the old one counts as used.
    moveBody = (from) => {
      const body = from.#body;
      if (body === null) return null;
      if (from.bodyUsed) throw new TypeError(REQUEST_BODY_USED);
      if (isStream(body)) {
        if (body.locked) throw new TypeError(STREAM_LOCKED);
        return body;
      }
      from.#used = true;
      return body;
    };
    cloneBody = (o) => {
      const body = o.#body;
      if (body === null) return null;
      if (o.bodyUsed) throw new TypeError(BODY_USED);
      if (!isStream(body)) return body.slice();
      const [mine, theirs] = teeStream(body);
      o.#body = mine;
      return theirs;
    };
    // What goes over the wire: null, an ArrayBuffer, `{ stream: handle }` for an untouched host
    // stream, or a promise of an ArrayBuffer for a stream made here. The body counts as used.
    bodyToWire = (o, usedMessage) => {
      const body = o.#body;
      if (body === null) return null;
      if (!isStream(body)) {
        if (o.#used) throw new TypeError(usedMessage);
        o.#used = true;
        return bytesToBuffer(body);
      }
      const S = streamInternals(body);
      if (S.disturbed) throw new TypeError(usedMessage === BODY_USED ? STREAM_DISTURBED : usedMessage);
      if (S.reader !== null) throw new TypeError(STREAM_LOCKED);
      const handle = takeHostHandle(body);
      if (handle !== null) return { stream: handle };
      return readAllBytes(body).then(bytesToBuffer);
    };
  }
  get body() {
    const body = this.#body;
    if (body === null || isStream(body)) return body;
    // Bytes become a stream only when asked for.
    const stream = bytesStream(body, this.#used);
    this.#body = stream;
    return stream;
  }
  get bodyUsed() {
    const body = this.#body;
    if (body === null) return false;
    return isStream(body) ? streamInternals(body).disturbed : this.#used;
  }
  async #consume() {
    const body = this.#body;
    if (body === null) return new Uint8Array(0);
    if (isStream(body)) return readAllBytes(body);
    if (this.#used) throw new TypeError(BODY_USED);
    this.#used = true;
    return body;
  }
  async arrayBuffer() { return bytesToBuffer(await this.#consume()); }
  async bytes() { return new Uint8Array(await this.arrayBuffer()); }
  async text() { return textDecoder.decode(await this.#consume()); }
  async json() { return JSON.parse(await this.text()); }
}

const METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);

let isRequest;

class Request extends Body {
  #method; #url; #headers; #redirect;
  static { isRequest = (value) => value !== null && typeof value === "object" && #method in value; }
  constructor(input, init = {}) {
    super();
    const from = isRequest(input) ? input : null;
    this.#url = from ? from.url : new URL(String(input)).href;
    const method = String(init.method ?? (from ? from.method : "GET"));
    this.#method = METHODS.has(method.toUpperCase()) ? method.toUpperCase() : method;
    this.#headers = new Headers(init.headers ?? (from ? from.headers : undefined));
    this.#redirect = init.redirect ?? (from ? from.redirect : "follow");
    this.cf = init.cf ?? (from ? from.cf : undefined);
    const explicit = init.body !== undefined;
    if (explicit && init.body !== null && (this.#method === "GET" || this.#method === "HEAD")) throw new TypeError("Request with GET/HEAD method cannot have body.");
    const body = explicit ? extractBody(init.body, this.#headers) : from ? moveBody(from) : null;
    if (body !== null && (this.#method === "GET" || this.#method === "HEAD")) throw new TypeError("Request with GET/HEAD method cannot have body.");
    initBody(this, body);
  }
  get method() { return this.#method; }
  get url() { return this.#url; }
  get headers() { return this.#headers; }
  get redirect() { return this.#redirect; }
  get signal() { return undefined; }
  clone() {
    const copy = new Request(this.#url, { method: this.#method, headers: this.#headers, redirect: this.#redirect, cf: this.cf });
    initBody(copy, cloneBody(this));
    return copy;
  }
}

let isResponse;

class Response extends Body {
  #status; #statusText; #headers; #url = "";
  static { isResponse = (value) => value !== null && typeof value === "object" && #status in value; }
  constructor(body = null, init = {}) {
    super();
    const status = init.status === undefined ? 200 : Number(init.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Response status ${init.status} is outside 200-599`);
    this.#status = status;
    this.#statusText = String(init.statusText ?? "");
    this.#headers = new Headers(init.headers);
    const content = extractBody(body, this.#headers);
    if (content !== null && [101, 204, 205, 304].includes(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
    initBody(this, content);
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
    const copy = new Response(null, { status: this.#status, statusText: this.#statusText, headers: this.#headers });
    initBody(copy, cloneBody(this));
    return copy;
  }
}

/** The host's `{ stream: handle }` becomes a host-backed stream; bytes stay bytes. */
function bodyFromWire(body) {
  return body !== null && typeof body === "object" && typeof body.stream === "number" ? hostStream(body.stream) : body;
}
async function requestToWire(request) {
  const body = await bodyToWire(request, REQUEST_BODY_USED);
  return { method: request.method, url: request.url, headers: request.headers._pairs(), body };
}
function requestFromWire(wire) {
  return new Request(wire.url, { method: wire.method, headers: wire.headers, body: bodyFromWire(wire.body), cf: wire.cf });
}
async function responseToWire(response) {
  if (!isResponse(response)) throw new TypeError("The handler did not return a Response");
  const body = await bodyToWire(response, BODY_USED);
  return { status: response.status, statusText: response.statusText, headers: response.headers._pairs(), body };
}
function responseFromWire(wire) {
  return new Response(bodyFromWire(wire.body), { status: wire.status, statusText: wire.statusText, headers: wire.headers });
}

async function fetch(input, init) {
  const request = isRequest(input) && init === undefined ? input : new Request(input, init);
  return responseFromWire(await callHost("fetch", [await requestToWire(request)]));
}

defineGlobal("Request", Request);
defineGlobal("Response", Response);
defineGlobal("fetch", fetch);
