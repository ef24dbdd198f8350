// Q5 · level 4 · Revocation: KV deny list vs Durable Object
// A JWT is valid until it expires; the edge never asks the issuer. To log a user out or
// block a stolen token now, every PoP must consult a deny list. Where it lives decides how
// soon "now" is: Workers KV is read from each PoP's cache, and a PoP that cached "not
// revoked" keeps that answer until the copy is as old as the read's cacheTtl (nothing is
// pushed to it); a Durable Object is one instance worldwide, so it is strongly consistent —
// at the price of a round trip to wherever it lives.
//
// Implement `KvDenyList` and `DoDenyList`: `revoke(token)` and `isRevoked(token)`. A token that
// no lenient verifier could accept (not three segments, payload not a JSON object, empty
// signature) reads as revoked; revoking it stores nothing. A non-empty jti is keyed `jti:<jti>`
// (level 5 reads that key); KV entries expire between exp and 60 s after max(exp, revocation).
import type { KvNamespaceApi } from "../../src/core/bindings.js";
import { decodeBase64UrlLenient, encodeBase64Url } from "../../src/auth/index.js";

/** The subset of Durable Object storage a deny list needs. */
export interface DenyStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

/** Cloudflare KV: the shortest cacheTtl a read may ask for (KV read docs). */
export const KV_CACHE_TTL_SECONDS_MIN = 30;
/** Cloudflare KV: the shortest expirationTtl a write may ask for (KV write docs). */
export const KV_EXPIRATION_TTL_SECONDS_MIN = 60;

/**
 * The identity of a token for revocation: its `jti`, else a hash of its DECODED signature.
 * Never the raw string: a lenient verifier (jose, Node's Buffer) accepts several spellings of
 * one signature — the pad bits of the last base64url character are ignored — so a deny list
 * keyed on the string is bypassed by changing the last character. Decoding leniently here is
 * deliberate: every spelling any verifier accepts must map to the same key.
 */
export async function revocationKey(token: string): Promise<{ key: string; expSec: number } | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const payloadBytes = decodeBase64UrlLenient(parts[1]!);
  const signature = decodeBase64UrlLenient(parts[2]!);
  // An empty signature is no token jose accepts (alg "none" aside), so it is unparseable too.
  if (payloadBytes === null || signature === null || signature.length === 0) return null;
  let payload: { jti?: unknown; exp?: unknown };
  try {
    payload = JSON.parse(new TextDecoder().decode(payloadBytes)) as typeof payload;
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const expSec = typeof payload.exp === "number" ? payload.exp : Number.POSITIVE_INFINITY;
  if (typeof payload.jti === "string" && payload.jti.length > 0) return { key: `jti:${payload.jti}`, expSec };
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", signature));
  return { key: `sig:${encodeBase64Url(digest)}`, expSec };
}

/** Eventually consistent: visible at a PoP once its cached "not revoked" times out (within cacheTtl); usually at once where it was written. */
export class KvDenyList {
  constructor(
    readonly kv: KvNamespaceApi,
    readonly clock: { nowMs(): number },
  ) {}

  async revoke(token: string): Promise<void> {
    const id = await revocationKey(token);
    if (id === null) return;
    // The entry must outlive the token: once exp passes, the claim check rejects it anyway,
    // so the list stays bounded. KV refuses TTLs under 60 s.
    const remainingSec = Math.ceil(id.expSec - this.clock.nowMs() / 1000);
    const expirationTtl = Number.isFinite(remainingSec) ? Math.max(KV_EXPIRATION_TTL_SECONDS_MIN, remainingSec + 1) : undefined;
    await this.kv.put(id.key, "1", expirationTtl !== undefined ? { expirationTtl } : {});
  }

  async isRevoked(token: string): Promise<boolean> {
    const id = await revocationKey(token);
    // Fail closed: something we cannot identify is treated as revoked.
    if (id === null) return true;
    // The shortest cacheTtl: a PoP that read "not revoked" just before the write keeps that
    // answer until its copy is this old, so it is the revocation delay.
    return (await this.kv.get(id.key, { cacheTtl: KV_CACHE_TTL_SECONDS_MIN })) !== null;
  }
}

/** Strongly consistent: one object for the whole list; every PoP asks it. */
export class DoDenyList {
  constructor(
    readonly storage: DenyStorage,
    readonly clock: { nowMs(): number },
  ) {}

  async revoke(token: string): Promise<void> {
    const id = await revocationKey(token);
    if (id === null) return;
    await this.storage.put(id.key, { expSec: id.expSec });
  }

  async isRevoked(token: string): Promise<boolean> {
    const id = await revocationKey(token);
    if (id === null) return true;
    // No local cache in front: a cached "not revoked" is exactly the staleness a DO avoids.
    return (await this.storage.get(id.key)) !== undefined;
  }
}
