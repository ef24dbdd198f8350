import { EdgeError } from "../core/errors.js";

/** The header that tells the cache layer a response is the proxy's error, not the origin's. */
export const ORIGIN_ERROR_HEADER = "cf-origin-error";

export function originUnreachable(origin: string, cause: string): EdgeError {
  return new EdgeError("ORIGIN_UNREACHABLE", 502, `cannot reach origin ${origin}: ${cause}`);
}

export function originTimeout(origin: string, timeoutMs: number): EdgeError {
  return new EdgeError("ORIGIN_TIMEOUT", 504, `origin ${origin} sent no response headers within ${timeoutMs} ms`);
}

/**
 * An origin failure is answered, not thrown: the cache above may replace it with a stale copy
 * (RFC 5861 stale-if-error), and it reads the `cf-origin-error` header to know the failure
 * was the edge's own. The body starts like Cloudflare's error pages ("error code: 502").
 */
export function originErrorResponse(error: EdgeError): Response {
  return new Response(`error code: ${error.status}\n${error.code}: ${error.message}\n`, {
    status: error.status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      [ORIGIN_ERROR_HEADER]: error.code,
    },
  });
}
