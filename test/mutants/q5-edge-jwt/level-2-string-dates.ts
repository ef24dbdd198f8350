// Mutant: does not type-check the NumericDate claims and coerces them with Number(), so a token with exp: "9999999999" (a string) is accepted. (blind)
import { JWS_ALGS, keyTypeOf, parseCompactJws, verifyJwsSignature, webCryptoParams, type CryptoKey, type JwsAlg } from "../../../src/auth/index.js";

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

const fail = (reason: string): JwtResult => ({ ok: false, reason });

function isJwsAlg(value: unknown): value is JwsAlg {
  return typeof value === "string" && (JWS_ALGS as readonly string[]).includes(value);
}

function isNumericDate(value: unknown): boolean {
  return Number.isFinite(Number(value)) && value !== null && value !== "";
}

async function importFor(alg: JwsAlg, key: VerificationKey): Promise<CryptoKey | null> {
  const bytes = new Uint8Array(key.bytes);
  try {
    return await crypto.subtle.importKey(key.kty === "oct" ? "raw" : "spki", bytes, webCryptoParams(alg).importParams, false, ["verify"]);
  } catch {
    return null;
  }
}

function algorithmFits(alg: JwsAlg, key: VerificationKey): boolean {
  return keyTypeOf(alg) === key.kty;
}

function critOk(header: Record<string, unknown>, policy: JwtPolicy): boolean {
  if (!Object.hasOwn(header, "crit")) return true;
  const crit = header.crit;
  if (!Array.isArray(crit) || crit.length === 0) return false;
  const understood = policy.criticalHeaders ?? [];
  return crit.every((name) => typeof name === "string" && understood.includes(name) && Object.hasOwn(header, name));
}

function audienceOk(aud: unknown, audience: string): boolean {
  if (typeof aud === "string") return aud === audience;
  return Array.isArray(aud) && aud.some((a) => a === audience);
}

function issuerOk(iss: unknown, issuer: string): boolean {
  return typeof iss === "string" && iss === issuer;
}

function expired(exp: number, leewaySec: number, nowMs: number): boolean {
  return nowMs >= (exp + leewaySec) * 1000;
}

function notYetValid(nbf: number, leewaySec: number, nowMs: number): boolean {
  return nowMs < (nbf - leewaySec) * 1000;
}

export async function verifyJwt(token: string, key: VerificationKey, policy: JwtPolicy, nowMs: number): Promise<JwtResult> {
  const parsed = parseCompactJws(token);
  if (parsed === null) return fail("malformed");
  const { header, payload } = parsed;
  const alg = header.alg;
  if (!isJwsAlg(alg)) return fail("unsupported alg");
  if (!policy.algorithms.includes(alg)) return fail("alg not allowed");
  if (!algorithmFits(alg, key)) return fail("alg does not fit the key");
  const cryptoKey = await importFor(alg, key);
  if (cryptoKey === null) return fail("bad key");
  if (!(await verifyJwsSignature(alg, cryptoKey, parsed))) return fail("bad signature");
  if (policy.typ !== undefined && header.typ !== policy.typ) return fail("typ");
  if (!critOk(header, policy)) return fail("crit");
  const leeway = policy.leewaySec;
  const { exp, nbf, iat } = payload;
  if (!isNumericDate(exp)) return fail("exp missing");
  if (expired(Number(exp), leeway, nowMs)) return fail("expired");
  if (Object.hasOwn(payload, "nbf")) {
    if (!isNumericDate(nbf)) return fail("nbf");
    if (notYetValid(Number(nbf), leeway, nowMs)) return fail("not yet valid");
  }
  if (Object.hasOwn(payload, "iat")) {
    if (!isNumericDate(iat)) return fail("iat");
    if (Number(iat) * 1000 > nowMs + leeway * 1000) return fail("issued in the future");
  }
  if (!issuerOk(payload.iss, policy.issuer)) return fail("iss");
  if (!audienceOk(payload.aud, policy.audience)) return fail("aud");
  return { ok: true, header, claims: payload };
}
