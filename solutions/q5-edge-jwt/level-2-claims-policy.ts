// Q5 · level 2 · Claims and algorithm policy (RFC 8725)
// A valid signature only says who wrote the token, not that it is for you, still valid, or
// signed the way you expect. Most real JWT breaches were policy bugs: `alg: none`, HS256
// signed with the RSA public key, a missing `exp`, `aud` matched as a substring.
//
// Implement `verifyJwt(token, key, policy, nowMs)`: accept iff the signature verifies with an
// algorithm from `policy.algorithms` that matches the key's type, and every claim rule holds.
// A date claim that is present must be a number (null is present); iss and aud compare strictly.
import type { webcrypto } from "node:crypto";
import { type JwsAlg, JWS_ALGS, keyTypeOf, parseCompactJws, verifyJwsSignature, webCryptoParams } from "../../src/auth/index.js";

/** Key material as an edge stores it: the HMAC secret, or the DER SubjectPublicKeyInfo. */
export interface VerificationKey {
  kty: "oct" | "RSA" | "EC";
  bytes: Uint8Array;
}

export interface JwtPolicy {
  /** Allow-list; anything else (including "none") is rejected. */
  algorithms: string[];
  /** Exact `iss` (RFC 7519 §4.1.1: case-sensitive string compare). */
  issuer: string;
  /** This service's identifier; `aud` must be it, or an array containing it. */
  audience: string;
  /** Required `typ` header when set (RFC 8725 §3.11 explicit typing), compared exactly. */
  typ?: string;
  /** Clock-skew allowance in seconds, applied to exp, nbf and iat. */
  leewaySec: number;
  /** `crit` extensions this verifier understands (RFC 7515 §4.1.11). */
  criticalHeaders?: string[];
}

export type JwtResult =
  | { ok: true; header: Record<string, unknown>; claims: Record<string, unknown> }
  | { ok: false; reason: string };

const fail = (reason: string): JwtResult => ({ ok: false, reason });

export async function verifyJwt(token: string, key: VerificationKey, policy: JwtPolicy, nowMs: number): Promise<JwtResult> {
  const parsed = parseCompactJws(token);
  if (parsed === null) return fail("MALFORMED");
  const alg = parsed.header.alg;
  // RFC 8725 §3.1: the verifier decides the algorithm. The header may only confirm it: it must
  // be on the allow-list AND fit the key's type, so HS256 can never run on an RSA public key.
  if (typeof alg !== "string" || !(JWS_ALGS as readonly string[]).includes(alg)) return fail("ALG_UNSUPPORTED");
  if (!policy.algorithms.includes(alg)) return fail("ALG_NOT_ALLOWED");
  if (keyTypeOf(alg as JwsAlg) !== key.kty) return fail("ALG_KEY_MISMATCH");
  const cryptoKey = await importKey(alg as JwsAlg, key);
  if (cryptoKey === null || !(await verifyJwsSignature(alg as JwsAlg, cryptoKey, parsed))) return fail("BAD_SIGNATURE");

  const reason = headerProblem(parsed.header, policy) ?? claimsProblem(parsed.payload, policy, nowMs);
  return reason === null ? { ok: true, header: parsed.header, claims: parsed.payload } : fail(reason);
}

async function importKey(alg: JwsAlg, key: VerificationKey): Promise<webcrypto.CryptoKey | null> {
  try {
    return await crypto.subtle.importKey(key.kty === "oct" ? "raw" : "spki", new Uint8Array(key.bytes), webCryptoParams(alg).importParams, false, ["verify"]);
  } catch {
    return null;
  }
}

function headerProblem(header: Record<string, unknown>, policy: JwtPolicy): string | null {
  if (policy.typ !== undefined && header.typ !== policy.typ) return "TYP_MISMATCH";
  if (header.crit !== undefined) {
    // RFC 7515 §4.1.11: a non-empty array of names present in the header, every one of which
    // the recipient understands; otherwise the JWS is invalid.
    const crit = header.crit;
    if (!Array.isArray(crit) || crit.length === 0) return "CRIT_INVALID";
    for (const name of crit) {
      // The names a policy understands are strings, so a non-string name is never one of them.
      if (policy.criticalHeaders?.includes(name) !== true || !(name in header)) return "CRIT_UNKNOWN";
    }
  }
  return null;
}

function claimsProblem(claims: Record<string, unknown>, policy: JwtPolicy, nowMs: number): string | null {
  // NumericDate is seconds (RFC 7519 §2); the clock gives milliseconds. Compare in ms.
  const leewayMs = policy.leewaySec * 1000;
  // Required, unlike RFC 7519 and jose's default: a token without exp is valid forever.
  if (typeof claims.exp !== "number") return "EXP_MISSING";
  // §4.1.4: "MUST NOT be accepted on or after" exp, so exp == now is expired. Leeway extends.
  if (nowMs >= claims.exp * 1000 + leewayMs) return "EXPIRED";
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || nowMs < claims.nbf * 1000 - leewayMs)) return "NOT_YET_VALID";
  if (claims.iat !== undefined && (typeof claims.iat !== "number" || claims.iat * 1000 > nowMs + leewayMs)) return "ISSUED_IN_FUTURE";
  // Exact match: a prefix check accepts "https://login.example.com.evil.net".
  if (claims.iss !== policy.issuer) return "ISSUER_MISMATCH";
  // aud is a string or an array of strings (§4.1.3); membership is by equality, never by
  // substring — `"api.example.com.evil".includes("api.example.com")` is true.
  const aud = claims.aud;
  const audOk = typeof aud === "string" ? aud === policy.audience : Array.isArray(aud) && aud.some((a) => a === policy.audience);
  if (!audOk) return "AUDIENCE_MISMATCH";
  return null;
}
