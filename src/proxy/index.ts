/**
 * Proxy stage: the origin side of `npm start -- --origin http://127.0.0.1:3000`. It forwards
 * what the pipeline could not answer (DDoS filter, WAF, cache, worker) to a real HTTP app on
 * this machine, as a reverse proxy should (RFC 9110 §7.6): hop-by-hop headers dropped both
 * ways, Via / X-Forwarded-For / CF-Connecting-IP added, bodies streamed both ways, and an
 * unreachable or slow origin answered with 502 / 504 marked `cf-origin-error` so the cache can
 * serve stale instead.
 */
export {
  createProxyOrigin,
  originRequestHeaders,
  ORIGIN_TIMEOUT_MS_DEFAULT,
  ORIGIN_CONNECT_TIMEOUT_MS_DEFAULT,
  VIA_PSEUDONYM_DEFAULT,
  type ProxyOrigin,
  type ProxyOriginOptions,
  type ProxyContext,
} from "./origin-client.js";
export { HOP_BY_HOP_HEADERS, withoutHopByHop, appendVia } from "./hop-by-hop.js";
export { isLoopbackHostname, parseOriginUrl } from "./loopback.js";
export { ORIGIN_ERROR_HEADER, originErrorResponse, originTimeout, originUnreachable } from "./origin-error.js";
export { RESPONSE_BUFFER_BYTES_MAX } from "./body-stream.js";
