// Mutant: destructures the first three segments and ignores any extra ones.
import type { webcrypto } from "node:crypto";
import { parseCompactJws, verifyJwsSignature, type JwsAlg } from "../../../src/auth/index.js";

export async function verifyJws(token: string, alg: JwsAlg, key: webcrypto.CryptoKey): Promise<object | null> {
  const [h, p, s] = token.split(".");
  if (s === undefined) return null;
  const parsed = parseCompactJws(`${h}.${p}.${s}`);
  if (parsed === null || parsed.header.alg !== alg) return null;
  return (await verifyJwsSignature(alg, key, parsed)) ? { header: parsed.header, payload: parsed.payload, signature: parsed.signature } : null;
}
