// Mutant: no size limit, so a token over 8 KiB is decoded and hashed like any other.
import type { webcrypto } from "node:crypto";
import { parseCompactJws, verifyJwsSignature, type JwsAlg } from "../../../src/auth/index.js";

export async function verifyJws(token: string, alg: JwsAlg, key: webcrypto.CryptoKey): Promise<object | null> {
  const parsed = parseCompactJws(token, Number.POSITIVE_INFINITY);
  if (parsed === null || parsed.header.alg !== alg) return null;
  return (await verifyJwsSignature(alg, key, parsed)) ? { header: parsed.header, payload: parsed.payload, signature: parsed.signature } : null;
}
