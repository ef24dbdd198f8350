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
  /** The request body as text when the caller chose to inspect it. */
  readonly body?: string;
}

/** Builds a record from a Node 20 `Request` (header order is the sorted order `Headers` keeps). */
export function wafRequestFromRequest(request: Request, clientIp: string, body?: string): WafRequest {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { method: request.method, url: request.url, headers, clientIp, ...(body === undefined ? {} : { body }) };
}

/** Shorthand for tests and simulations: a browser-like GET unless headers say otherwise. */
export function wafRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; clientIp?: string; body?: string } = {},
): WafRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: init.method ?? "GET",
    url,
    headers,
    clientIp: init.clientIp ?? "192.0.2.1",
    ...(init.body === undefined ? {} : { body: init.body }),
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
