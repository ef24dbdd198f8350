// Q5 · level 1 · Verify a JWS by hand
// Your edge must accept a request only if its bearer token was signed by your identity
// provider, and it must decide without calling the origin. Every Worker has WebCrypto
// (`crypto.subtle`); that is all you need — no JWT library.
//
// Implement `verifyJws(token, alg, key)` for compact JWS (RFC 7515 §7.1): three base64url
// segments `header.payload.signature`; the signature covers the ASCII bytes `header.payload`.
// Return the decoded header, payload (JSON objects) and signature bytes, or null when:
//   - the token is longer than JWT_SIZE_BYTES_MAX characters (exactly 8192 is accepted; a valid
//     token is ASCII, so characters are bytes), or has other than 3 segments;
//   - a segment is not CANONICAL unpadded base64url (no `=`, no `+` `/`, no whitespace anywhere
//     — not even around the token: do not trim — and the unused low bits of the last character
//     are zero — RFC 4648 §3.5);
//   - the header or payload is not a JSON object (an array, null or bad UTF-8 is not), or
//     `header.alg !== alg` (strictly: "hs256", ["HS256"] or a missing alg do not match);
//   - the signature does not verify with `key` (HS256 = HMAC SHA-256, RS256 =
//     RSASSA-PKCS1-v1_5 SHA-256, ES256 = ECDSA P-256 SHA-256 with a raw 64-byte r||s); a `key`
//     imported for another algorithm verifies nothing (WebCrypto throws: return null).
// Never throw on bad input. Write the decoder yourself: `src/auth` is the platform's answer.
// Hints: `npm run kata -- hint q5/1`. Grade: `npm run kata -- check q5/1`.
import type { webcrypto } from "node:crypto";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export type JwsAlg = "HS256" | "RS256" | "ES256";

/** 8 KiB: far above any honest bearer token, far below Cloudflare's 32 KiB header limit. */
export const JWT_SIZE_BYTES_MAX = 8192;

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Uint8Array;
}

export async function verifyJws(token: string, alg: JwsAlg, key: webcrypto.CryptoKey): Promise<VerifiedJws | null> {
  // TODO: split, decode strictly, parse JSON, check alg, then crypto.subtle.verify.
  throw new NotImplemented("verifyJws");
}
