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
