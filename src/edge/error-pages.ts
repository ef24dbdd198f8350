/**
 * Error responses in the shape Cloudflare gives them: a status, a `cf-mitigated` or error
 * code, and a short text body naming the error code, so a learner can look it up.
 */
export function edgeErrorResponse(status: number, code: number | string, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(`error code: ${code}\n${detail}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

// Cloudflare error 1020: "Access denied" (a firewall/WAF rule blocked the request).
export const WAF_BLOCK_CODE = 1020;