import type { webcrypto } from "node:crypto";
import { decodeBase64UrlStrict } from "./base64url.js";

// The WebCrypto types, named as a Worker sees them (lib "dom" is not loaded in this project).
export type CryptoKey = webcrypto.CryptoKey;
export type JsonWebKey = webcrypto.JsonWebKey;

/** The asymmetric and symmetric algorithms the edge accepts (RFC 7518 §3.1). */
export type JwsAlg = "HS256" | "RS256" | "ES256";
export const JWS_ALGS: readonly JwsAlg[] = ["HS256", "RS256", "ES256"];

/**
 * Largest compact token the edge will parse: this platform's choice, far below Cloudflare's
 * cap on all request headers together (`workers.requestHeadersBytesMax` in src/facts). A
 * bearer token above 8 KiB is almost certainly abuse, and parsing and hashing cost grows with it.
 */
export const JWT_SIZE_BYTES_MAX = 8192;

export interface ParsedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signature: Uint8Array<ArrayBuffer>;
  /** ASCII bytes of `header.payload`, exactly as they arrived: this is what was signed. */
  readonly signingInput: Uint8Array<ArrayBuffer>;
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) without verifying it. Returns null for
 * anything but three canonical base64url segments whose first two decode to JSON objects.
 */
export function parseCompactJws(token: string, sizeBytesMax = JWT_SIZE_BYTES_MAX): ParsedJws | null {
  if (token.length > sizeBytesMax) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = decodeBase64UrlStrict(h);
  const payloadBytes = decodeBase64UrlStrict(p);
  const signature = decodeBase64UrlStrict(s);
  if (headerBytes === null || payloadBytes === null || signature === null) return null;
  const header = parseJsonObject(headerBytes);
  const payload = parseJsonObject(payloadBytes);
  if (header === null || payload === null) return null;
  return { header, payload, signature, signingInput: asciiBytes(`${h}.${p}`) };
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** WebCrypto parameters for each JWS algorithm; ES256 signatures are raw r||s (RFC 7518 §3.4). */
export function webCryptoParams(alg: JwsAlg): {
  importParams: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.HmacImportParams;
  verifyParams: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams;
} {
  switch (alg) {
    case "HS256":
      return { importParams: { name: "HMAC", hash: "SHA-256" }, verifyParams: "HMAC" };
    case "RS256":
      return { importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, verifyParams: "RSASSA-PKCS1-v1_5" };
    case "ES256":
      return { importParams: { name: "ECDSA", namedCurve: "P-256" }, verifyParams: { name: "ECDSA", hash: "SHA-256" } };
  }
}

/** The key type each algorithm needs (RFC 8725 §3.1: the key decides the algorithm). */
export function keyTypeOf(alg: JwsAlg): "oct" | "RSA" | "EC" {
  return alg === "HS256" ? "oct" : alg === "RS256" ? "RSA" : "EC";
}

/** Verifies a signature with a key already imported for `alg`. */
export async function verifyJwsSignature(alg: JwsAlg, key: CryptoKey, parsed: ParsedJws): Promise<boolean> {
  const { verifyParams } = webCryptoParams(alg);
  try {
    return await crypto.subtle.verify(verifyParams, key, parsed.signature, parsed.signingInput);
  } catch {
    // WebCrypto throws when the key does not fit the algorithm: that is a rejection, not a crash.
    return false;
  }
}

/** Imports a JWK for exactly `alg`; the JWK's own `alg`, if any, must agree. */
export async function importJwk(alg: JwsAlg, jwk: JsonWebKey): Promise<CryptoKey | null> {
  if (jwk.kty !== keyTypeOf(alg)) return null;
  if (jwk.alg !== undefined && jwk.alg !== alg) return null;
  try {
    return await crypto.subtle.importKey("jwk", jwk, webCryptoParams(alg).importParams, false, ["verify"]);
  } catch {
    return null;
  }
}

/** The segments are ASCII (checked by the strict decoder), so one byte per character. */
function asciiBytes(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
