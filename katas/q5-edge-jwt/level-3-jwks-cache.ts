// Q5 · level 3 · JWKS at the edge
// Your identity provider publishes its public keys at a JWKS URL and rotates them. Every
// PoP must verify tokens locally, so it caches the key set. Two failure modes: an attacker
// sends tokens with random `kid`s so that each one makes the edge refetch (a free
// amplification attack on your issuer), and the issuer goes down so that every login fails.
//
// Implement `JwksCache.getKey(kid)` → the JWK with exactly that kid, or null:
//   - fetch on first use and keep the set fresh for `ttlMs` (counted from the fetch start);
//   - a stale set or an unknown kid triggers a refetch, but NEVER two fetch attempts (failed or
//     not) within `cooldownMs`: a forged-kid flood over T ms costs ≤ 1 + ceil(T/cooldown) fetches;
//   - concurrent callers share one in-flight fetch, and a caller whose kid is unknown awaits
//     the refetch it triggered (so a kid the issuer added is found one cooldown later);
//   - when a refresh fails, serve the last good set while it is younger than `ttlMs + maxStaleMs`
//     (counted from that fetch's start to when getKey answers; at exactly that age: null — fail
//     closed); a failure is retried after the cooldown, not remembered. An answer that is not a
//     key set (null, or no `keys` array) is a failed refresh too: the last good set stays;
//   - a kid is any string: "__proto__", "constructor" or "" get null unless the issuer
//     published exactly that kid (a plain object as the key map answers them from its prototype).
// Read time only from `clock.nowMs()`. Hints: `npm run kata -- hint q5/3`.
// Grade: `npm run kata -- check q5/3`.
import type { webcrypto } from "node:crypto";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export type Jwk = webcrypto.JsonWebKey & { kid?: string };
export interface Jwks {
  keys: Jwk[];
}

export interface JwksCacheOptions {
  fetchJwks: () => Promise<Jwks>;
  clock: { nowMs(): number };
  /** @defaultValue 600_000 (jose's cacheMaxAge) */
  ttlMs?: number;
  /** @defaultValue 30_000 (jose's cooldownDuration) */
  cooldownMs?: number;
  /** @defaultValue 3_600_000 */
  maxStaleMs?: number;
}

export class JwksCache {
  constructor(readonly options: JwksCacheOptions) {}

  async getKey(kid: string): Promise<Jwk | null> {
    // TODO: cached set + fetchedAt + lastAttempt + one in-flight promise.
    throw new NotImplemented("JwksCache.getKey");
  }
}
