// Q5 · level 3 · JWKS at the edge
// Your identity provider publishes its public keys at a JWKS URL and rotates them. Every
// PoP must verify tokens locally, so it caches the key set. Two failure modes: an attacker
// sends tokens with random `kid`s so that each one makes the edge refetch (a free
// amplification attack on your issuer), and the issuer goes down so that every login fails.
//
// Implement `JwksCache.getKey(kid)`: fetch once and cache for `ttlMs`; on an unknown kid
// refetch at most once per `cooldownMs`; concurrent misses share one fetch; when a refresh
// fails, keep serving the last good keys while they are younger than `ttlMs + maxStaleMs`.
// Kids are looked up in a Map, so `__proto__` or `constructor` are just unknown kids.
import type { webcrypto } from "node:crypto";

export type Jwk = webcrypto.JsonWebKey & { kid?: string };
export interface Jwks {
  keys: Jwk[];
}

export interface JwksCacheOptions {
  /** One round trip to the issuer's JWKS endpoint; rejects when it is down. */
  fetchJwks: () => Promise<Jwks>;
  clock: { nowMs(): number };
  /** Freshness of a fetched key set. @defaultValue 600_000 (jose's cacheMaxAge, 10 min) */
  ttlMs?: number;
  /** Least time between two fetches. @defaultValue 30_000 (jose's cooldownDuration) */
  cooldownMs?: number;
  /** How long past ttl the last good keys are served while refreshes fail. @defaultValue 3_600_000 */
  maxStaleMs?: number;
}

export class JwksCache {
  readonly #fetchJwks: () => Promise<Jwks>;
  readonly #clock: { nowMs(): number };
  readonly #ttlMs: number;
  readonly #cooldownMs: number;
  readonly #maxStaleMs: number;
  #keys: Map<string, Jwk> | null = null;
  #fetchedAtMs = Number.NEGATIVE_INFINITY;
  #lastAttemptMs = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | null = null;

  constructor(options: JwksCacheOptions) {
    this.#fetchJwks = options.fetchJwks;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? 600_000;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#maxStaleMs = options.maxStaleMs ?? 3_600_000;
  }

  async getKey(kid: string): Promise<Jwk | null> {
    // A miss during a fetch waits for that fetch instead of starting another (single flight).
    if (this.#inflight !== null) await this.#inflight;
    const nowMs = this.#clock.nowMs();
    const fresh = this.#keys !== null && nowMs - this.#fetchedAtMs < this.#ttlMs;
    const known = this.#keys?.has(kid) === true;
    // Stale or unknown kid: refetch, but never twice within the cooldown. This one rule bounds
    // the origin load under a forged-kid flood to 1 + ceil(T / cooldown) fetches.
    if ((!fresh || !known) && nowMs - this.#lastAttemptMs >= this.#cooldownMs) await this.#refresh(nowMs);
    // Stale-if-error (RFC 5861's idea): keys past ttl still verify while they are younger than
    // ttl + maxStale, so an issuer outage does not log everyone out; past that, fail closed.
    if (this.#keys === null || this.#clock.nowMs() - this.#fetchedAtMs >= this.#ttlMs + this.#maxStaleMs) return null;
    // An unknown kid is a miss, never "the first key": that would verify forged-kid tokens
    // against whatever key happens to be first.
    return this.#keys.get(kid) ?? null;
  }

  #refresh(startedAtMs: number): Promise<void> {
    // The attempt time is recorded before the fetch, so a failed fetch also starts a cooldown
    // (a down origin is not hammered) but is not remembered beyond it.
    this.#lastAttemptMs = startedAtMs;
    this.#inflight = (async () => {
      try {
        const jwks = await this.#fetchJwks();
        // An answer that is not a key set (null, no keys array) is a failed refresh: throwing
        // here keeps the last good keys, as an outage would.
        if (!Array.isArray(jwks.keys)) throw new TypeError();
        const keys = new Map<string, Jwk>();
        for (const jwk of jwks.keys) {
          if (typeof jwk.kid === "string" && !keys.has(jwk.kid)) keys.set(jwk.kid, jwk);
        }
        this.#keys = keys;
        // Freshness counts from when the request left, the conservative end.
        this.#fetchedAtMs = startedAtMs;
      } catch {
        // Keep the last good keys; getKey decides whether they are still usable.
      } finally {
        this.#inflight = null;
      }
    })();
    return this.#inflight;
  }
}
