// Q5 · level 4 · Revocation: KV deny list vs Durable Object
// A JWT is valid until it expires; the edge never asks the issuer. To log a user out or
// block a stolen token now, every PoP must consult a deny list. Where it lives decides how
// soon "now" is: Workers KV is read from each PoP's cache, and a PoP that cached "not
// revoked" keeps that answer until the copy is as old as the read's cacheTtl (nothing is
// pushed to it); a Durable Object is one instance worldwide, so it is strongly consistent —
// at the price of a round trip to wherever it lives.
//
// Implement two deny lists with `revoke(token)` and `isRevoked(token)`:
//   - `KvDenyList(kv, clock)`: `kv` is the namespace as seen from THIS PoP. Revoked at one PoP,
//     a token must read as revoked at every PoP — the revoking one too, which usually but not
//     always sees its own write at once — within 60 s, until the token's `exp`: read with a
//     cacheTtl between 30 s (Cloudflare's minimum) and 60 s (KV's default), since a PoP may
//     serve "not revoked" from its cache that long. KV needs expirationTtl ≥ 60 s.
//   - `DoDenyList(storage, clock)`: every PoP's instance talks to the same object storage;
//     a revocation is visible everywhere as soon as `revoke` resolves.
//     Tokens may expire in less than 60 s (entries still need expirationTtl ≥ 60) or in a day.
// Key the list on the token's `jti` (unique per token; any string, "__proto__" included), or a
// hash of its DECODED signature — never the raw string: jose accepts other spellings of the same
// signature (pad bits ignored, `=` padding, whitespace inside; Node's Buffer also reads `+` `/`
// as `-` `_`), and a token revoked in one spelling is revoked in all. A non-empty string jti is the key `jti:<jti>` (the key the
// level-5 worker reads, and an admin tool may write directly); an empty jti counts as none.
// Each KV entry expires (expirationTtl): not before the token's `exp`, and at most 60 s after
// the later of `exp` and the revocation (a token without `exp` keeps its entry forever).
// A token is parseable when a lenient verifier could accept it: three segments, a payload that
// decodes (pad bits ignored) to a JSON object (not an array or null), a non-empty signature that
// decodes. An unparseable token counts as revoked; revoking one resolves and stores nothing.
// Hints: `npm run kata -- hint q5/4`.
// Grade: `npm run kata -- check q5/4`.
import type { KvNamespaceApi } from "../../src/core/bindings.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface DenyStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

export class KvDenyList {
  constructor(
    readonly kv: KvNamespaceApi,
    readonly clock: { nowMs(): number },
  ) {}

  async revoke(token: string): Promise<void> {
    // TODO: put a deny entry that lives until the token expires.
    throw new NotImplemented("KvDenyList.revoke");
  }

  async isRevoked(token: string): Promise<boolean> {
    throw new NotImplemented("KvDenyList.isRevoked");
  }
}

export class DoDenyList {
  constructor(
    readonly storage: DenyStorage,
    readonly clock: { nowMs(): number },
  ) {}

  async revoke(token: string): Promise<void> {
    throw new NotImplemented("DoDenyList.revoke");
  }

  async isRevoked(token: string): Promise<boolean> {
    throw new NotImplemented("DoDenyList.isRevoked");
  }
}
