// Q5 · level 1 · Verify a JWS by hand
// Your edge must accept a request only if its bearer token was signed by your identity
// provider, and it must decide without calling the origin. Every Worker has WebCrypto
// (`crypto.subtle`); that is all you need — no JWT library.
//
// Implement `verifyJws(token, alg, key)` for compact JWS (RFC 7515 §7.1). Return the decoded
// header, payload and signature bytes, or null for a token over 8192 characters (8192 passes), a
// wrong segment count, non-canonical base64url (whitespace around the token included), JSON that
// is not an object, `header.alg !== alg` (strictly), a bad signature, or a key imported for
// another algorithm. Never throw.
import type { webcrypto } from "node:crypto";
import { parseCompactJws, verifyJwsSignature } from "../../src/auth/index.js";

export type JwsAlg = "HS256" | "RS256" | "ES256";

/** 8 KiB: far above any honest bearer token, far below Cloudflare's 32 KiB header limit. */
export const JWT_SIZE_BYTES_MAX = 8192;

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Uint8Array;
}

export async function verifyJws(token: string, alg: JwsAlg, key: webcrypto.CryptoKey): Promise<VerifiedJws | null> {
  // The size check comes first so an attacker cannot make us decode or hash megabytes.
  // parseCompactJws also demands exactly three segments and canonical base64url: a lenient
  // decoder (Node's Buffer, and jose) ignores the pad bits, so 16 different strings decode to
  // the same RS256 signature — see src/auth/base64url.ts.
  const parsed = parseCompactJws(token, JWT_SIZE_BYTES_MAX);
  if (parsed === null) return null;
  // The caller, not the token, chooses the algorithm (RFC 8725 §3.1); the header must agree.
  if (parsed.header.alg !== alg) return null;
  // The signature covers the ASCII of `header.payload` as received, never a re-encoding.
  if (!(await verifyJwsSignature(alg, key, parsed))) return null;
  return { header: parsed.header, payload: parsed.payload, signature: parsed.signature };
}
