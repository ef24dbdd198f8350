/**
 * `node:crypto` in the book's browser bundle: the one function the simulated platform needs
 * there, `createHash("sha256")` (Durable Object ids), on @noble/hashes. The browser's own
 * SubtleCrypto is asynchronous and id derivation is not.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { Buffer } from "buffer";

interface Hash {
  update(data: string | Uint8Array): Hash;
  digest(): Buffer;
}

export function createHash(algorithm: string): Hash {
  if (algorithm !== "sha256") throw new Error(`the book's browser bundle has sha256 only, not ${algorithm}`);
  const state = sha256.create();
  const hash: Hash = {
    update(data) {
      state.update(typeof data === "string" ? new TextEncoder().encode(data) : data);
      return hash;
    },
    digest: () => Buffer.from(state.digest()),
  };
  return hash;
}
