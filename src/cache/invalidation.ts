import type { CacheRequest, CacheResponse } from "./http-message.js";

// RFC 9110 §9.2.1: methods that are not safe; their success invalidates stored responses.
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "DELETE", "PATCH"]);

/**
 * RFC 9111 §4.4: after a non-error response to an unsafe request, the target URI and the
 * Location / Content-Location URIs are invalidated — the latter only on the same host, so a
 * response cannot purge another site's entries.
 */
export function invalidatedUrls(request: CacheRequest, response: CacheResponse): string[] {
  if (!UNSAFE_METHODS.has(request.method.toUpperCase()) || response.status < 200 || response.status >= 400) return [];
  const urls = [request.url];
  const host = safeUrl(request.url, undefined)?.host;
  for (const field of ["location", "content-location"]) {
    const value = response.headers[field];
    if (value === undefined) continue;
    const target = safeUrl(value, request.url);
    if (target && target.host === host) urls.push(target.href);
  }
  return urls;
}

function safeUrl(value: string, base: string | undefined): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}
