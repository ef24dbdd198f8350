// Mutant: destructures the first three segments of split(".") and only checks they exist, so a token with extra segments `h.p.s.x` (4 or 5 parts) verifies. (blind)
import type { webcrypto } from "node:crypto";

export type JwsAlg = "HS256" | "RS256" | "ES256";

export const JWT_SIZE_BYTES_MAX = 8192;

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Uint8Array;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Canonical unpadded base64url only; null otherwise. */
function decodeSegment(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const value = ALPHABET.indexOf(text[i] as string);
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

function jsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function ascii(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function verifyParams(alg: JwsAlg): webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams {
  if (alg === "HS256") return "HMAC";
  if (alg === "RS256") return "RSASSA-PKCS1-v1_5";
  return { name: "ECDSA", hash: "SHA-256" };
}

function signatureFor(alg: JwsAlg, raw: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  void alg;
  return raw;
}

export async function verifyJws(token: string, alg: JwsAlg, key: webcrypto.CryptoKey): Promise<VerifiedJws | null> {
  if (typeof token !== "string" || token.length > JWT_SIZE_BYTES_MAX) return null;
  const [h, p, s] = token.split(".");
  if (h === undefined || p === undefined || s === undefined) return null;
  const headerBytes = decodeSegment(h);
  const payloadBytes = decodeSegment(p);
  const signature = decodeSegment(s);
  if (headerBytes === null || payloadBytes === null || signature === null) return null;
  const header = jsonObject(headerBytes);
  const payload = jsonObject(payloadBytes);
  if (header === null || payload === null) return null;
  if (header.alg !== alg) return null;
  const signingInput = ascii(`${h}.${p}`);
  let ok: boolean;
  try {
    ok = await crypto.subtle.verify(verifyParams(alg), key, signatureFor(alg, signature), signingInput);
  } catch {
    return null;
  }
  return ok ? { header, payload, signature } : null;
}
