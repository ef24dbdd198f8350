import { BODY_INSPECT_BYTES_DEFAULT, bodyText, peekBody } from "./body.js";

/**
 * The WAF inspects a small plain record instead of a WHATWG `Request`: rules read the same
 * fields many times, and a record with lower-cased header names in arrival order is cheaper to
 * read than `Headers` and keeps the order the bot score looks at (`Headers` sorts names).
 */
export interface WafRequest {
  readonly method: string;
  /** Absolute URL, e.g. `https://example.com/a?b=c`. */
  readonly url: string;
  /** Lower-cased header names in the order the client sent them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's address, IPv4 dotted quad or IPv6. */
  readonly clientIp: string;
  /** The request body (its first `bodyInspectBytes`, see `body.ts`) as text, when inspected. */
  readonly body?: string;
  /** True when `body` is only the front of a longer body (Cloudflare's `http.request.body.truncated`). */
  readonly bodyTruncated?: boolean;
  /** The request line's protocol. @defaultValue "HTTP/1.1" */
  readonly protocol?: string;
}

/** Builds a record from a Node 20 `Request` (header order is the sorted order `Headers` keeps). */
export function wafRequestFromRequest(request: Request, clientIp: string, body?: string): WafRequest {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { method: request.method, url: request.url, headers, clientIp, ...(body === undefined ? {} : { body }) };
}

/**
 * Reads the front of `request`'s body for inspection (see `peekBody`) and returns the record
 * together with a request to forward in place of the original: same method, URL and headers,
 * and a body stream that yields every byte of the original, unchanged.
 */
export async function wafRequestWithBody(
  request: Request,
  clientIp: string,
  limit: number = BODY_INSPECT_BYTES_DEFAULT,
): Promise<{ inspected: WafRequest; forward: Request }> {
  if (request.body === null || request.bodyUsed) return { inspected: wafRequestFromRequest(request, clientIp), forward: request };
  const peeked = await peekBody(request.body, limit);
  const init: RequestInit & { duplex: "half" } = { method: request.method, headers: request.headers, body: peeked.stream, duplex: "half", redirect: request.redirect, signal: request.signal };
  const forward = new Request(request.url, init);
  const inspected = { ...wafRequestFromRequest(request, clientIp, bodyText(peeked.bytes)), bodyTruncated: peeked.truncated };
  return { inspected, forward };
}

/** Shorthand for tests and simulations: a browser-like GET unless headers say otherwise. */
export function wafRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; clientIp?: string; body?: string; bodyTruncated?: boolean; protocol?: string } = {},
): WafRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: init.method ?? "GET",
    url,
    headers,
    clientIp: init.clientIp ?? "192.0.2.1",
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.bodyTruncated === undefined ? {} : { bodyTruncated: init.bodyTruncated }),
    ...(init.protocol === undefined ? {} : { protocol: init.protocol }),
  };
}

/** The URL as the client sent it: WHATWG `URL` would resolve `..` and hide a traversal. */
export interface RawUrlParts {
  readonly host: string;
  readonly path: string;
  /** Without the leading `?`. */
  readonly query: string;
}

export function splitRawUrl(url: string): RawUrlParts {
  const scheme = url.indexOf("://");
  const afterScheme = scheme >= 0 ? scheme + 3 : 0;
  const hashAt = url.indexOf("#", afterScheme);
  const end = hashAt >= 0 ? hashAt : url.length;
  let pathAt = url.indexOf("/", afterScheme);
  const queryAt = url.indexOf("?", afterScheme);
  if (pathAt < 0 || pathAt > end || (queryAt >= 0 && queryAt < pathAt)) pathAt = queryAt >= 0 && queryAt < end ? queryAt : end;
  const host = url.slice(afterScheme, pathAt);
  const q = queryAt >= 0 && queryAt < end ? queryAt : end;
  const path = url.slice(pathAt, q) || "/";
  return { host, path: path.startsWith("/") ? path : `/${path}`, query: q < end ? url.slice(q + 1, end) : "" };
}
