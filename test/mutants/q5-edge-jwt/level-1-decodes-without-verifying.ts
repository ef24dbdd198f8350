// Mutant: decodes the header and payload and returns them without checking the signature.
import type { webcrypto } from "node:crypto";
import { parseCompactJws } from "../../../src/auth/index.js";

export async function verifyJws(token: string, alg: string, _key: webcrypto.CryptoKey): Promise<object | null> {
  const parsed = parseCompactJws(token);
  if (parsed === null || parsed.header.alg !== alg) return null;
  return { header: parsed.header, payload: parsed.payload, signature: parsed.signature };
}
