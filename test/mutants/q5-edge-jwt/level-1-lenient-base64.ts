// Mutant: decodes segments with Node's lenient base64url decoder, which ignores pad bits, `=` and whitespace.
import type { webcrypto } from "node:crypto";
import { verifyJwsSignature, type JwsAlg } from "../../../src/auth/index.js";

export async function verifyJws(token: string, alg: JwsAlg, key: webcrypto.CryptoKey): Promise<object | null> {
  if (token.length > 8192) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
    const signature = new Uint8Array(Buffer.from(s, "base64url"));
    if (header.alg !== alg) return null;
    // The signing input must be the received ASCII, so whitespace in it still fails; pad bits do not.
    const signingInput = new TextEncoder().encode(`${h}.${p}`);
    const ok = await verifyJwsSignature(alg, key, { header, payload, signature, signingInput });
    return ok ? { header, payload, signature } : null;
  } catch {
    return null;
  }
}
