/**
 * Edge authentication building blocks: strict base64url and JWS signature checks on
 * WebCrypto (the same `crypto.subtle` a Worker has), with no JWT library. The Q5 kata builds
 * claim policy, JWKS caching, revocation and the auth worker on top of these.
 */
export { decodeBase64UrlStrict, decodeBase64UrlLenient, encodeBase64Url } from "./base64url.js";
export {
  type JwsAlg,
  type CryptoKey,
  type JsonWebKey,
  JWS_ALGS,
  JWT_SIZE_BYTES_MAX,
  type ParsedJws,
  parseCompactJws,
  webCryptoParams,
  keyTypeOf,
  verifyJwsSignature,
  importJwk,
} from "./jws.js";
