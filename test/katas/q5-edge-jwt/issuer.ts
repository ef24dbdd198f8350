import type { webcrypto } from "node:crypto";
import * as jose from "jose";

/**
 * The token issuer of the Q5 suites: `jose` signs, the implementation under test verifies.
 * Keys are generated once per process and reused, because RSA key generation takes tens of
 * milliseconds and would dominate every run.
 */
export type Alg = "HS256" | "RS256" | "ES256";
export const ALGS: readonly Alg[] = ["HS256", "RS256", "ES256"];

export interface KeyPairFor {
  alg: Alg;
  kid: string;
  signKey: webcrypto.CryptoKey;
  verifyKey: webcrypto.CryptoKey;
  /** The public JWK (or the secret JWK for HS256), with kid and alg. */
  publicJwk: webcrypto.JsonWebKey & { kid: string; alg: Alg };
  /** DER SubjectPublicKeyInfo for RSA/EC, the raw secret for HS256. */
  keyBytes: Uint8Array;
}

let keysPromise: Promise<KeyPairFor[]> | undefined;

/** Two keys per algorithm, generated once per process. */
export function suiteKeys(): Promise<KeyPairFor[]> {
  keysPromise ??= (async () => {
    const out: KeyPairFor[] = [];
    for (const alg of ALGS) for (let i = 0; i < 2; i++) out.push(await makeKey(alg, `${alg.toLowerCase()}-${i}`));
    return out;
  })();
  return keysPromise;
}

export async function makeKey(alg: Alg, kid: string): Promise<KeyPairFor> {
  if (alg === "HS256") {
    const key = (await jose.generateSecret("HS256", { extractable: true })) as webcrypto.CryptoKey;
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", key));
    const jwk = { ...(await crypto.subtle.exportKey("jwk", key)), kid, alg };
    return { alg, kid, signKey: key, verifyKey: key, publicJwk: jwk, keyBytes: raw };
  }
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
  const jwk = { ...(await crypto.subtle.exportKey("jwk", publicKey)), kid, alg };
  return { alg, kid, signKey: privateKey, verifyKey: publicKey, publicJwk: jwk, keyBytes: spki };
}

export function keyFor(keys: KeyPairFor[], alg: Alg, index = 0): KeyPairFor {
  const found = keys.filter((k) => k.alg === alg)[index];
  if (found === undefined) throw new Error(`no suite key ${alg}#${index}`);
  return found;
}

/** Signs arbitrary header and payload objects (claims are not validated: jose's CompactSign). */
export async function signRaw(key: KeyPairFor, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const crit = Array.isArray(header.crit) ? Object.fromEntries((header.crit as unknown[]).map((c) => [String(c), true])) : undefined;
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: key.alg } as jose.CompactJWSHeaderParameters)
    .sign(key.signKey, crit !== undefined ? { crit } : undefined);
}

/** Signs `header.payload` with HMAC over arbitrary key bytes: how an attacker forges. */
export async function hmacForge(secret: Uint8Array, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${enc(header)}.${enc(payload)}`;
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  return `${input}.${Buffer.from(sig).toString("base64url")}`;
}

/**
 * Signs the exact header and payload bytes given, with WebCrypto and no JWT library, so a test
 * can build what jose refuses to: whitespace or reordered JSON, a header `alg` that is not the
 * key's, an empty or unknown `crit`, a payload that is not a JSON object. ES256 signatures come
 * out as the raw 64-byte r‖s that JWS uses.
 */
export async function signBytes(key: KeyPairFor, header: string | Uint8Array, payload: string | Uint8Array): Promise<string> {
  const bytes = (v: string | Uint8Array): Uint8Array => (typeof v === "string" ? new TextEncoder().encode(v) : v);
  return signSegments(key, b64(bytes(header)), b64(bytes(payload)));
}

/**
 * Signs the exact segment text given (`header.payload`, already encoded, canonical or not), so a
 * test can build a token whose signature is valid over segments that are not base64url.
 */
export async function signSegments(key: KeyPairFor, headerSegment: string, payloadSegment: string): Promise<string> {
  const input = `${headerSegment}.${payloadSegment}`;
  const params = key.alg === "HS256" ? "HMAC" : key.alg === "RS256" ? "RSASSA-PKCS1-v1_5" : { name: "ECDSA", hash: "SHA-256" };
  const sig = new Uint8Array(await crypto.subtle.sign(params, key.signKey, new TextEncoder().encode(input)));
  return `${input}.${b64(sig)}`;
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
export function unb64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64url"));
}
