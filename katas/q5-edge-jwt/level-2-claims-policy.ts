// Q5 · level 2 · Claims and algorithm policy (RFC 8725)
// A valid signature only says who wrote the token, not that it is for you, still valid, or
// signed the way you expect. Most real JWT breaches were policy bugs: `alg: none`, HS256
// signed with the RSA public key, a missing `exp`, `aud` matched as a substring.
//
// Implement `verifyJwt(token, key, policy, nowMs)`. Accept (ok: true) iff ALL of these hold:
//   - the token parses (level 1 rules, the 8 KiB bound included) and `header.alg` is HS256,
//     RS256 or ES256, is in `policy.algorithms`, and fits `key.kty` (HS256↔oct, RS256↔RSA,
//     ES256↔EC); the signature verifies with `key` (oct: raw secret bytes; RSA/EC: DER SPKI
//     bytes) for that alg;
//   - `typ` equals `policy.typ` when that is set; `crit`, if present (even null), is a non-empty
//     array of strings, each in `policy.criticalHeaders` and present as a member of the header;
//   - `exp` is a number and now < exp + leeway (exp == now is expired); `nbf`, if present, is a
//     number and now >= nbf - leeway; `iat`, if present, is a number and iat <= now + leeway
//     (NumericDate is seconds, possibly fractional; `nowMs` is milliseconds — compare without
//     rounding either; a claim that is present but null, a string or an array is not a number);
//   - `iss` === policy.issuer; `aud` === policy.audience, or an array with an element === it
//     (strict equality: no trimming, no trailing-slash or case folding, no `==`).
// A rejection is { ok: false, reason } with a non-empty string saying which rule failed (the
// wording is yours: the suite only checks that there is one).
// You may use the platform's level-1 pieces: `parseCompactJws`, `verifyJwsSignature`,
// `webCryptoParams` from src/auth. Hints: `npm run kata -- hint q5/2`.
// Grade: `npm run kata -- check q5/2`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

/** Key material as an edge stores it: the HMAC secret, or the DER SubjectPublicKeyInfo. */
export interface VerificationKey {
  kty: "oct" | "RSA" | "EC";
  bytes: Uint8Array;
}

export interface JwtPolicy {
  algorithms: string[];
  issuer: string;
  audience: string;
  typ?: string;
  leewaySec: number;
  criticalHeaders?: string[];
}

export type JwtResult =
  | { ok: true; header: Record<string, unknown>; claims: Record<string, unknown> }
  | { ok: false; reason: string };

export async function verifyJwt(token: string, key: VerificationKey, policy: JwtPolicy, nowMs: number): Promise<JwtResult> {
  // TODO: the key picks the algorithm; the header may only agree. Then check every claim.
  throw new NotImplemented("verifyJwt");
}
