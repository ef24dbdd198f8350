// In-isolate fragment: Request, Response and fetch. A body is one of: null; bytes the
// worker's code made (a string, an ArrayBuffer, a Blob, FormData...), kept as one Uint8Array until
// `.body` asks for a stream; or a ReadableStream (streams.js), which for a body the host handed
// over holds a host handle. Passing such a body on untouched sends the handle back and the host
// pipes the original stream; reading it pulls chunks from the host. A stream made by the worker's
// code is read here when it crosses the boundary, so its bytes cross as one buffer.
// FormData, Blob and AbortSignal live in lazy modules: a body only loads them when it meets one.

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const REQUEST_BODY_USED = "Cannot reconstruct a Request with a used body.";

/** The forms module's exports if some code has loaded it (else no Blob or FormData can exist). */
const loadedForms = () => lazyExports.get("forms");

function extractBody(init, headers) {
  if (init === null || init === undefined) return null;
  const setType = (t) => { if (t !== "" && !headers.has("content-type")) headers.set("content-type", t); };
  if (isStream(init)) {
    const S = streamInternals(init);
    if (S.disturbed) throw new TypeError(STREAM_DISTURBED);
    if (S.reader !== null) throw new TypeError(STREAM_LOCKED);
    return init;
  }
  if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) return new Uint8Array(toArrayBuffer(init));
  if (init instanceof URLSearchParams) { setType("application/x-www-form-urlencoded;charset=UTF-8"); return textEncoder.encode(init.toString()); }
  const forms = loadedForms();
  if (forms !== undefined) {
    const extracted = forms.extractBody(init);
    if (extracted !== null) {
      setType(extracted.type);
      return extracted.bytes;
    }
  }
  if (typeof init === "object" && typeof init[Symbol.asyncIterator] === "function" && typeof init[Symbol.iterator] !== "function") {
    return readableStreamFromIterable(init);
  }
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
let bodyHeaders;

class Body {
  // null | Uint8Array (one owner: clones copy, moves mark the source used) | ReadableStream
  #body = null;
  #used = false;
  #headers = null;
  static {
    initBody = (o, body, headers) => { o.#body = body; o.#headers = headers; };
    bodyHeaders = (o) => o.#headers;
    // `new Request(request)`: the new request takes the body over; the old one counts as used.
    moveBody = (from) => {
      const body = from.#body;
      if (body === null) return null;
      if (from.bodyUsed) throw new TypeError(REQUEST_BODY_USED);
      if (isStream(body)) {
        if (body.locked) throw new TypeError(STREAM_LOCKED);
        // The stream moves to the new request (a host handle stays a handle); the old request
        // keeps a used one, so its body counts as used, as the fetch standard's proxy leaves it.
        from.#body = bytesStream(null, true);
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
      if (body.locked) throw new TypeError(STREAM_LOCKED);
      const [mine, theirs] = teeStream(body, true);
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
  constructor() {
    if (new.target === Body) throw new TypeError("Illegal constructor");
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#body in o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get body() {
    Body.#check(this);
    const body = this.#body;
    if (body === null || isStream(body)) return body;
    // Bytes become a stream only when asked for.
    const stream = bytesStream(body, this.#used);
    this.#body = stream;
    return stream;
  }
  get bodyUsed() {
    Body.#check(this);
    const body = this.#body;
    if (body === null) return false;
    return isStream(body) ? streamInternals(body).disturbed : this.#used;
  }
  async #consume() {
    const body = this.#body;
    if (body === null) return new Uint8Array(0);
    if (isStream(body)) {
      if (streamInternals(body).disturbed) throw new TypeError(BODY_USED);
      if (body.locked) throw new TypeError(STREAM_LOCKED);
      return readAllBytes(body);
    }
    if (this.#used) throw new TypeError(BODY_USED);
    this.#used = true;
    return body;
  }
  async arrayBuffer() { return bytesToBuffer(await Body.#check(this).#consume()); }
  async bytes() { return new Uint8Array(await this.arrayBuffer()); }
  async text() { return textDecoder.decode(await Body.#check(this).#consume()); }
  async json() { return JSON.parse(await this.text()); }
  async blob() {
    const bytes = await Body.#check(this).#consume();
    const type = this.#headers === null ? null : this.#headers.get("content-type");
    return new (lazyModule("forms").Blob)([bytes], { type: type === null ? "" : type });
  }
  async formData() {
    Body.#check(this);
    const type = this.#headers === null ? null : this.#headers.get("content-type");
    const forms = lazyModule("forms");
    forms.checkFormType(type);
    return forms.parseFormData(await this.#consume(), type);
  }
}

// Fetch standard: methods are normalised to upper case when they match these case-insensitively.
const NORMALISED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REDIRECT_MODES = new Set(["follow", "manual", "error"]);

function normaliseMethod(value) {
  const method = String(value);
  if (!METHOD_TOKEN.test(method)) throw new TypeError(`Invalid HTTP method string: ${method}`);
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`Forbidden HTTP method: ${method}`);
  return NORMALISED_METHODS.has(upper) ? upper : method;
}

/** A signal that follows `signal` (the fetch standard makes each request its own). */
function followSignal(signal) {
  if (signal === null || signal === undefined) return null;
  const events = lazyModule("events");
  if (!events.isAbortSignal(signal)) throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
  return events.AbortSignal.any([signal]);
}

let isRequest;
let requestSignal;

class Request extends Body {
  #method; #url; #headers; #redirect; #signal; #cf; #cache; #integrity; #keepalive;
  static {
    isRequest = (value) => value !== null && typeof value === "object" && #method in value;
    // The signal given to (or made for) a request, without making one: null if none.
    requestSignal = (request) => request.#signal;
  }
  constructor(input, init = undefined) {
    super();
    if (init !== undefined && init !== null && typeof init !== "object") throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
    const options = init ?? {};
    const from = isRequest(input) ? input : null;
    if (from !== null) this.#url = from.url;
    else {
      const parsed = callHostSync("url.parse", [String(input), null]);
      if (parsed === null) throw new TypeError(`Invalid URL: ${String(input)}`);
      if (parsed.username !== "" || parsed.password !== "") throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${String(input)}`);
      this.#url = parsed.href;
    }
    this.#method = options.method !== undefined ? normaliseMethod(options.method) : from ? from.#method : "GET";
    const redirect = options.redirect !== undefined ? String(options.redirect) : from ? from.#redirect : "follow";
    if (!REDIRECT_MODES.has(redirect)) throw new TypeError(`Invalid redirect value: ${redirect}`);
    this.#redirect = redirect;
    this.#signal = options.signal !== undefined ? followSignal(options.signal) : from ? from.#signal : null;
    this.#cf = options.cf !== undefined ? options.cf : from ? from.#cf : undefined;
    if (options.cache !== undefined && options.cache !== "no-store" && options.cache !== "no-cache") {
      throw new TypeError(`Unsupported cache mode: ${String(options.cache)}`);
    }
    this.#cache = options.cache !== undefined ? options.cache : from ? from.#cache : undefined;
    this.#integrity = options.integrity !== undefined ? String(options.integrity) : from ? from.#integrity : "";
    this.#keepalive = options.keepalive !== undefined ? Boolean(options.keepalive) : from ? from.#keepalive : false;
    this.#headers = new Headers(options.headers !== undefined ? options.headers : from ? from.headers : undefined);
    const explicit = options.body !== undefined && options.body !== null;
    if (explicit && (this.#method === "GET" || this.#method === "HEAD")) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
    const body = explicit ? extractBody(options.body, this.#headers) : from ? moveBody(from) : null;
    if (body !== null && (this.#method === "GET" || this.#method === "HEAD")) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
    initBody(this, body, this.#headers);
  }
  static #check(o) {
    if (!isRequest(o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get method() { return Request.#check(this).#method; }
  get url() { return Request.#check(this).#url; }
  get headers() { return Request.#check(this).#headers; }
  get redirect() { return Request.#check(this).#redirect; }
  get signal() {
    Request.#check(this);
    // A request that came in over the network never aborts here: made on first use.
    if (this.#signal === null) this.#signal = new (lazyModule("events").AbortController)().signal;
    return this.#signal;
  }
  get cf() { return Request.#check(this).#cf; }
  get fetcher() { Request.#check(this); return null; }
  get cache() { return Request.#check(this).#cache; }
  get integrity() { return Request.#check(this).#integrity; }
  get keepalive() { return Request.#check(this).#keepalive; }
  clone() {
    Request.#check(this);
    const copy = new Request(this.#url, { method: this.#method, headers: this.#headers, redirect: this.#redirect, cf: this.#cf, cache: this.#cache, integrity: this.#integrity, keepalive: this.#keepalive });
    copy.#signal = this.#signal;
    initBody(copy, cloneBody(this), copy.#headers);
    return copy;
  }
}

let isResponse;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
let errorResponse = false;

class Response extends Body {
  #status; #statusText; #headers; #url = ""; #type = "default"; #cf; #webSocket = null;
  static { isResponse = (value) => value !== null && typeof value === "object" && #status in value; }
  constructor(body = null, init = undefined) {
    super();
    if (init !== undefined && init !== null && typeof init !== "object") throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
    const options = init ?? {};
    if (errorResponse) {
      // Response.error(): status 0, type "error", immutable empty headers.
      errorResponse = false;
      this.#status = 0;
      this.#statusText = "";
      this.#type = "error";
      this.#headers = new Headers();
      freezeHeaders(this.#headers);
      initBody(this, null, this.#headers);
      return;
    }
    const status = options.status === undefined ? 200 : Number(options.status);
    // A WebSocket handshake's answer: status 101 with the end of a WebSocketPair the client gets.
    const webSocket = options.webSocket ?? null;
    if (webSocket !== null && !lazyModule("websocket").isWebSocket(webSocket)) throw new TypeError("Failed to construct 'Response': member webSocket is not of type WebSocket.");
    if (webSocket !== null && status !== 101) throw new RangeError(`A Response with a webSocket must have status 101 (Switching Protocols). Got ${options.status}.`);
    if (webSocket === null && (!Number.isInteger(status) || status < 200 || status > 599)) throw new RangeError(`Responses may only be constructed with status codes in the range 200 to 599, inclusive. Got ${options.status}.`);
    this.#webSocket = webSocket;
    const statusText = options.statusText === undefined ? "" : String(options.statusText);
    if (!REASON_PHRASE.test(statusText)) throw new TypeError(`Invalid statusText: ${statusText}`);
    this.#status = status;
    this.#statusText = statusText;
    this.#cf = options.cf;
    this.#headers = new Headers(options.headers);
    const content = extractBody(body, this.#headers);
    if (content !== null && NULL_BODY_STATUSES.has(status)) throw new TypeError(`Response with null body status (${status}) cannot have a body.`);
    initBody(this, content, this.#headers);
  }
  static error() {
    errorResponse = true;
    try {
      return new Response();
    } finally {
      errorResponse = false;
    }
  }
  static json(data, init = undefined) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("The data is not JSON serializable.");
    const options = init ?? {};
    const headers = new Headers(options.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { status: options.status, statusText: options.statusText, cf: options.cf, headers });
  }
  static redirect(url, status = 302) {
    const s = Number(status);
    if (!REDIRECT_STATUSES.has(s)) throw new RangeError(`Invalid redirect status code ${status}; it must be 301, 302, 303, 307 or 308.`);
    const parsed = callHostSync("url.parse", [String(url), null]);
    if (parsed === null) throw new TypeError(`Invalid URL: ${String(url)}`);
    const response = new Response(null, { status: s, headers: { location: parsed.href } });
    freezeHeaders(response.#headers);
    return response;
  }
  static #check(o) {
    if (!isResponse(o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get status() { return Response.#check(this).#status; }
  get statusText() { return Response.#check(this).#statusText; }
  get ok() { const s = Response.#check(this).#status; return s >= 200 && s < 300; }
  get headers() { return Response.#check(this).#headers; }
  get redirected() { Response.#check(this); return false; }
  get url() { return Response.#check(this).#url; }
  get type() { return Response.#check(this).#type; }
  get cf() { return Response.#check(this).#cf; }
  get webSocket() { return Response.#check(this).#webSocket; }
  clone() {
    Response.#check(this);
    if (this.#type === "error") return Response.error();
    const copy = new Response(null, { status: this.#status, statusText: this.#statusText, headers: this.#headers, cf: this.#cf });
    copy.#url = this.#url;
    initBody(copy, cloneBody(this), copy.#headers);
    return copy;
  }
}

/** The host's `{ stream: handle }` becomes a host-backed stream; bytes stay bytes. */
function bodyFromWire(body) {
  return body !== null && typeof body === "object" && typeof body.stream === "number" ? hostStream(body.stream) : body;
}
function requestToWireNow(request, body) {
  return { method: request.method, url: request.url, headers: headerPairs(request.headers), body };
}
async function requestToWire(request) {
  return requestToWireNow(request, await bodyToWire(request, REQUEST_BODY_USED));
}
function requestFromWire(wire) {
  return new Request(wire.url, { method: wire.method, headers: headersFromWire(wire.headers), body: bodyFromWire(wire.body), cf: wire.cf });
}
function checkReturnedResponse(response) {
  if (!isResponse(response)) throw new TypeError("The handler did not return a Response");
  if (response.type === "error") throw new TypeError("Return value from serve handler must not be an error response (like Response.error()).");
}
function responseWireOf(response, body) {
  const wire = { status: response.status, statusText: response.statusText, headers: headerPairs(response.headers), body };
  // The end of a WebSocketPair the response hands over leaves the isolate (see lazy/websocket.js).
  if (response.webSocket !== null) wire.webSocket = lazyModule("websocket").webSocketToWire(response.webSocket);
  return wire;
}
async function responseToWire(response) {
  checkReturnedResponse(response);
  return responseWireOf(response, await bodyToWire(response, BODY_USED));
}
/**
 * The wire form of a response whose body needs no reading (none, bytes or a host handle), at
 * once; null when its body is a stream made here, which must be read first (`responseToWire`).
 */
function responseToWireNow(response) {
  checkReturnedResponse(response);
  const body = bodyToWire(response, BODY_USED);
  if (body !== null && typeof body.then === "function") {
    body.then(noop, noop);
    return { pending: body.then((b) => responseWireOf(response, b)) };
  }
  return { wire: responseWireOf(response, body) };
}
function responseFromWire(wire) {
  const init = { status: wire.status, statusText: wire.statusText, headers: headersFromWire(wire.headers) };
  if (typeof wire.webSocket === "number") init.webSocket = lazyModule("websocket").webSocketFromWire(wire.webSocket);
  return new Response(bodyFromWire(wire.body), init);
}

let nextFetchId = 1;

async function fetch(input, init = undefined) {
  const request = isRequest(input) && init === undefined ? input : new Request(input, init);
  // A request made without a signal never aborts: its signal is not even made.
  const signal = requestSignal(request);
  if (signal === null) return responseFromWire(await callHost("fetch", [await requestToWire(request), 0]));
  if (signal.aborted) throw signal.reason;
  const id = nextFetchId++;
  const wire = await requestToWire(request);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      callHost("fetch.abort", [id]).catch(noop);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    callHost("fetch", [wire, id]).then((reply) => {
      signal.removeEventListener("abort", onAbort);
      resolve(responseFromWire(reply));
    }, (e) => {
      signal.removeEventListener("abort", onAbort);
      reject(e);
    });
  });
}

defineGlobal("Body", Body);
defineGlobal("Request", Request);
defineGlobal("Response", Response);
defineGlobal("fetch", fetch);
