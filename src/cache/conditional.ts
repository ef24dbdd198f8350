import type { CacheRequest, CacheResponse } from "./http-message.js";
import { parseHttpDate } from "./http-date.js";

/** RFC 9110 §8.8.3.2 weak comparison: opaque tags equal, ignoring `W/`. */
function weakMatch(list: string, etag: string): boolean {
  const strip = (t: string): string => t.trim().replace(/^W\//, "");
  if (list.trim() === "*") return true;
  const want = strip(etag);
  return list.split(",").some((t) => strip(t) === want);
}

/**
 * RFC 9110 §13.2.2 for a GET/HEAD answered from cache: If-None-Match takes precedence over
 * If-Modified-Since. True means "answer 304".
 */
export function clientConditionMet(request: CacheRequest, stored: CacheResponse): boolean {
  const inm = request.headers["if-none-match"];
  if (inm === undefined && request.headers["if-modified-since"] === undefined) return false;
  const etag = stored.headers["etag"];
  if (inm !== undefined) return etag !== undefined && weakMatch(inm, etag);
  const ims = parseHttpDate(request.headers["if-modified-since"]);
  const lastModified = parseHttpDate(stored.headers["last-modified"]);
  return ims !== null && lastModified !== null && lastModified <= ims;
}

// RFC 9110 §15.4.5: the fields a 304 must carry if the 200 would have had them.
const NOT_MODIFIED_FIELDS = ["cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified", "age"];

export function notModifiedFrom(stored: CacheResponse): CacheResponse {
  const headers: Record<string, string> = {};
  for (const name of NOT_MODIFIED_FIELDS) if (stored.headers[name] !== undefined) headers[name] = stored.headers[name];
  return { status: 304, headers, body: "" };
}

/** The validators of a stored response as request headers (RFC 9111 §4.3.1). */
export function validatorsFor(stored: CacheResponse): Record<string, string> {
  const out: Record<string, string> = {};
  if (stored.headers["etag"] !== undefined) out["if-none-match"] = stored.headers["etag"];
  if (stored.headers["last-modified"] !== undefined) out["if-modified-since"] = stored.headers["last-modified"];
  return out;
}

// RFC 9111 §3.2: a 304 must not update these (they describe the stored body, not the 304).
const NOT_UPDATED_BY_304 = new Set(["content-length", "content-encoding", "transfer-encoding", "content-range", "cf-cache-status"]);

/** §4.3.4: the stored response's header fields are replaced by those in the 304. */
export function updateHeadersFrom304(stored: CacheResponse, notModified: CacheResponse): CacheResponse {
  const headers: Record<string, string> = { ...stored.headers };
  for (const [name, value] of Object.entries(notModified.headers)) if (!NOT_UPDATED_BY_304.has(name)) headers[name] = value;
  return { status: stored.status, headers, body: stored.body };
}

export function withoutConditionals(request: CacheRequest): CacheRequest {
  const { ["if-none-match"]: _inm, ["if-modified-since"]: _ims, ...headers } = request.headers;
  return { ...request, headers };
}
