/**
 * HTTP messages as they cross the isolate boundary: plain data. A body is null, one copied
 * ArrayBuffer (bytes the isolate's code made, or a short host body already complete in memory),
 * or `{ stream: handle }`, a host stream kept in the isolate's `BodyStreams` table: the host's
 * bodies go in as handles, and a handle that comes back untouched is piped on by the host
 * without its bytes ever entering the isolate. Anything that comes back from the isolate is
 * untrusted and validated here.
 */
import type { RequestCf } from "../core/request-cf.js";
import { bufferedResponse } from "../core/buffered-body.js";
import { BodyStreamError, type BodyStreams, inlineIfComplete } from "./body-streams.js";
import { type WebSockets, upgradeResponse, webSocketOf } from "./web-sockets.js";

export type HeaderPairs = Array<[string, string]>;

/** A body on the wire: none, bytes, or a host stream named by its handle. */
export type WireBody = ArrayBuffer | null | { stream: number };

export interface WireRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  body: WireBody;
  cf?: RequestCf;
}

export interface WireResponse {
  status: number;
  statusText: string;
  headers: HeaderPairs;
  body: WireBody;
  /** A 101's WebSocket: into the isolate, its handle there; out of it, the handle and the events it had not read. */
  webSocket?: number | { handle: number; queued: unknown[] };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §15.1: reason-phrase = *( HTAB / SP / VCHAR / obs-text ). */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Fetch standard, "forbidden method": `new Request` refuses these. */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/** A `Headers`' fields in its iteration order, each Set-Cookie separately at the end. */
export function headerPairs(headers: Headers): HeaderPairs {
  const pairs: HeaderPairs = [];
  headers.forEach((value, name) => {
    if (name !== "set-cookie") pairs.push([name, value]);
  });
  for (const cookie of headers.getSetCookie()) pairs.push(["set-cookie", cookie]);
  return pairs;
}

function bodyless(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/**
 * The request a worker (or Durable Object) is invoked with. A body still arriving (or a long
 * one) stays on the host, owned by `scope`, and is borrowed: the caller still owns the stream,
 * so the table lets go of it at the end without cancelling it. `headers`, when given, are the
 * fields the worker sees instead of `request.headers` (the edge's forwarded list, built without
 * a second `Request`); they must be what `headerPairs` would give for a `Headers` holding them.
 */
export async function requestToWire(request: Request, bodies: BodyStreams, scope: number, cf?: RequestCf, headers?: HeaderPairs): Promise<WireRequest> {
  const hasBody = request.body !== null && !bodyless(request.method);
  const wire: WireRequest = {
    method: request.method,
    url: request.url,
    headers: headers ?? headerPairs(request.headers),
    body: hasBody ? await toWireBody(request.body, bodies, [scope], true) : null,
  };
  if (cf !== undefined) wire.cf = cf;
  return wire;
}

/** A subrequest from the isolate (`fetch`, a Durable Object stub's `fetch`), or the original request passed through. */
export function requestFromWire(wire: unknown, bodies: BodyStreams, signal?: AbortSignal): Request {
  const w = wire as Partial<WireRequest> | null;
  if (w === null || typeof w !== "object" || typeof w.url !== "string" || typeof w.method !== "string") {
    throw new TypeError("malformed request from the isolate");
  }
  // Everything that can fail is checked before a body handle is taken out of the table.
  if (!URL.canParse(w.url)) throw new TypeError(`invalid URL from the isolate: ${w.url.slice(0, 100)}`);
  if (!METHOD_TOKEN.test(w.method) || FORBIDDEN_METHODS.has(w.method.toUpperCase())) throw new TypeError(`'${w.method.slice(0, 32)}' is not a valid HTTP method for fetch`);
  const headers = new Headers(checkPairs(w.headers));
  if (bodyless(w.method.toUpperCase()) && w.body !== null && w.body !== undefined) throw new TypeError("Request with GET/HEAD method cannot have body.");
  const body = bodyFromWire(w.body, bodies);
  const init: RequestInit & { duplex?: "half" } = { method: w.method, headers, body };
  if (signal !== undefined) init.signal = signal;
  // A stream body is sent as it arrives (fetch's "half duplex"), never gathered first.
  if (body instanceof ReadableStream) init.duplex = "half";
  return new Request(w.url, init);
}

/** A subrequest's response on its way into the isolate: its body becomes a handle owned by `owners`. */
export async function responseToWire(response: Response, bodies: BodyStreams, owners: readonly number[], sockets?: WebSockets): Promise<WireResponse> {
  const hasBody = response.body !== null && !NULL_BODY_STATUSES.has(response.status);
  const wire: WireResponse = {
    status: response.status,
    statusText: response.statusText,
    headers: headerPairs(response.headers),
    body: hasBody ? await toWireBody(response.body, bodies, owners, false) : null,
  };
  // A Durable Object's 101: its WebSocket is handed to the calling isolate.
  const socket = webSocketOf(response);
  if (socket !== undefined && sockets !== undefined) wire.webSocket = sockets.adopt(socket);
  return wire;
}

/** Small and complete: the bytes. Otherwise a handle to the stream, kept in `bodies`. */
async function toWireBody(stream: ReadableStream<Uint8Array>, bodies: BodyStreams, owners: readonly number[], borrowed: boolean): Promise<WireBody> {
  const body = await inlineIfComplete(stream);
  return body instanceof ArrayBuffer ? body : { stream: bodies.register(body, owners, borrowed) };
}

/** The isolate's answer. A body handle is taken out of `bodies`: from here on the host owns the stream. */
export function responseFromWire(wire: unknown, bodies: BodyStreams, sockets?: WebSockets): Response {
  const w = wire as Partial<WireResponse> | null;
  const upgrade = w !== null && typeof w === "object" && w.status === 101 && w.webSocket !== undefined && sockets !== undefined;
  if (w === null || typeof w !== "object" || typeof w.status !== "number" || !Number.isInteger(w.status) || ((w.status < 200 || w.status > 599) && !upgrade)) {
    throw new TypeError("malformed response from the isolate");
  }
  if (upgrade) {
    const headers = new Headers(checkPairs(w.headers));
    return upgradeResponse(sockets.take(w.webSocket), headers);
  }
  // Everything that can fail is checked before a body handle is taken out of the table.
  const headers = new Headers();
  for (const [name, value] of checkPairs(w.headers)) headers.append(name, value);
  const statusText = typeof w.statusText === "string" ? w.statusText : "";
  if (!REASON_PHRASE.test(statusText)) throw new TypeError("invalid statusText from the isolate");
  // A null-body status drops the body; a handle left in the table is released with its request.
  const body = NULL_BODY_STATUSES.has(w.status) ? null : bodyFromWire(w.body, bodies);
  if (body === null || body instanceof ArrayBuffer) return bufferedResponse(body, { status: w.status, statusText, headers });
  return new Response(body, { status: w.status, statusText, headers });
}

function bodyFromWire(body: unknown, bodies: BodyStreams): ArrayBuffer | ReadableStream<Uint8Array> | null {
  if (body === null || body === undefined) return null;
  if (body instanceof ArrayBuffer) return body;
  if (typeof body === "object" && Object.hasOwn(body, "stream")) return bodies.take((body as { stream: unknown }).stream);
  throw new BodyStreamError("a body from the isolate must be null, an ArrayBuffer or a body stream handle");
}

function checkPairs(pairs: unknown): HeaderPairs {
  if (!Array.isArray(pairs)) throw new TypeError("headers must be a list of pairs");
  return pairs.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      throw new TypeError("each header must be a [name, value] pair of strings");
    }
    return [pair[0], pair[1]];
  });
}
