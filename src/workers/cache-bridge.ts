/**
 * The host side of the isolate's Cache API (`caches`, runtime/lazy/cache.js): the isolate sends
 * plain copies (method, URL, header pairs, the body's bytes), checked here, and the PoP's
 * `CacheApiBackend` does the rest. What comes back is a plain response the isolate rebuilds.
 */
import type { CacheApiBackend, CacheQueryOptions, CacheRequest, CacheResponse } from "../cache/index.js";
import type { HeaderPairs } from "./http-wire.js";

export interface WireCacheResponse {
  status: number;
  headers: HeaderPairs;
  body: ArrayBuffer | null;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** `args`: the operation, the cache's name (null: `caches.default`), the request, then the response (put) or options. */
export function cacheCall(backend: CacheApiBackend | null, args: unknown[]): WireCacheResponse | boolean | null {
  if (backend === null) throw new TypeError("this worker has no Cache API");
  const [op, name, wireRequest, last] = args;
  if (name !== null && typeof name !== "string") throw new TypeError("Cache API: the cache name must be a string");
  const request = requestFromWire(wireRequest);
  const options: CacheQueryOptions = last !== null && typeof last === "object" && (last as { ignoreMethod?: unknown }).ignoreMethod === true ? { ignoreMethod: true } : {};
  switch (op) {
    case "match": {
      const hit = backend.match(name, request, options);
      return hit === undefined ? null : responseToWire(hit);
    }
    case "put":
      return backend.put(name, request, responseFromWire(last));
    case "delete":
      return backend.delete(name, request, options);
    default:
      throw new TypeError(`Cache API: unknown operation ${String(op).slice(0, 32)}`);
  }
}

function requestFromWire(wire: unknown): CacheRequest {
  const w = wire as { method?: unknown; url?: unknown; headers?: unknown } | null;
  if (w === null || typeof w !== "object" || typeof w.method !== "string" || typeof w.url !== "string") throw new TypeError("Cache API: malformed request");
  if (!URL.canParse(w.url) || !/^https?:$/.test(new URL(w.url).protocol)) throw new TypeError(`Cache API: the request URL must be http or https: ${w.url.slice(0, 100)}`);
  return { method: w.method, url: w.url, headers: headerRecord(w.headers) };
}

function responseFromWire(wire: unknown): CacheResponse {
  const w = wire as { status?: unknown; headers?: unknown; body?: unknown } | null;
  if (w === null || typeof w !== "object" || typeof w.status !== "number" || !Number.isInteger(w.status) || w.status < 200 || w.status > 599) {
    throw new TypeError("Cache API: malformed response");
  }
  if (w.body !== null && !(w.body instanceof ArrayBuffer)) throw new TypeError("Cache API: a response body must be bytes");
  return { status: w.status, headers: headerRecord(w.headers), body: w.body === null ? "" : new Uint8Array(w.body) };
}

function responseToWire(response: CacheResponse): WireCacheResponse {
  const headers: HeaderPairs = [];
  for (const name of Object.keys(response.headers)) headers.push([name, response.headers[name]!]);
  const body = NULL_BODY_STATUSES.has(response.status) ? null : typeof response.body === "string" ? new TextEncoder().encode(response.body) : response.body;
  return { status: response.status, headers, body: body === null ? null : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer };
}

/** Header pairs as the cache's record: lower-case names, repeated fields joined with ", " (RFC 9110 §5.3). */
function headerRecord(pairs: unknown): Record<string, string> {
  if (!Array.isArray(pairs)) throw new TypeError("Cache API: headers must be a list of pairs");
  const out: Record<string, string> = {};
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") throw new TypeError("Cache API: each header must be a [name, value] pair of strings");
    const name = pair[0].toLowerCase();
    const prior = Object.hasOwn(out, name) ? out[name] : undefined;
    const value = prior === undefined ? pair[1] : `${prior}, ${pair[1]}`;
    // "__proto__" is an ordinary field name here, not the record's prototype.
    Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
  }
  return out;
}
