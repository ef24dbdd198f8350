/**
 * The cache works on small plain records rather than WHATWG `Request`/`Response`: a cached
 * body is read many times (a `Response` body only once), headers must be rewritten on every
 * hit (Age, cf-cache-status), and a 100k-request simulation should not allocate streams.
 * Header names are lower-case. Converters to and from the WHATWG classes are below.
 */
export interface CacheRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface CacheResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** Where a cache tier sends what it cannot answer: the next tier up, or the origin. */
export type Upstream = (request: CacheRequest) => Promise<CacheResponse>;

export function lowerCaseHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

export function cacheRequest(url: string, init: { method?: string; headers?: Record<string, string> } = {}): CacheRequest {
  return { method: init.method ?? "GET", url, headers: lowerCaseHeaders(init.headers ?? {}) };
}

export function cacheRequestFromRequest(request: Request): CacheRequest {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { method: request.method, url: request.url, headers };
}

export async function cacheResponseFromResponse(response: Response): Promise<CacheResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function responseFromCacheResponse(response: CacheResponse): Response {
  const body = NULL_BODY_STATUSES.has(response.status) ? null : typeof response.body === "string" ? response.body : new Uint8Array(response.body);
  return new Response(body, { status: response.status, headers: response.headers });
}

export function bodySizeBytes(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

/**
 * A copy of a header record, `{ ...fields }`, for callers that then add fields to it. Built by
 * assignment on purpose: V8 gives an object spread followed by new fields (`{ ...fields, age }`)
 * a hidden class of its own for every copy of such a record, and caches make one such copy per
 * request and keep one per stored entry; assigned in the same order, copies share hidden
 * classes. Same own keys in the same order, same values (`__proto__` stays an own field).
 */
export function copyFields(fields: Readonly<Record<string, string>>, without?: string, orWithout?: string): Record<string, string> {
  const out: Record<string, string> = {};
  // for-in (own keys only, like a spread) walks the record's cached keys without an array.
  for (const name in fields) {
    if (name === without || name === orWithout || !Object.hasOwn(fields, name)) continue;
    if (name === "__proto__") Object.defineProperty(out, name, { value: fields[name], writable: true, enumerable: true, configurable: true });
    else out[name] = fields[name] as string;
  }
  return out;
}
