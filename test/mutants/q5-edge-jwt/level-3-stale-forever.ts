// Mutant: serves the last good set for as long as refreshes fail (never fails closed after ttl + maxStale): during a 2-hour outage, a key removed from the issuer's set is still returned. (blind)
import type { webcrypto } from "node:crypto";

export type Jwk = webcrypto.JsonWebKey & { kid?: string };
export interface Jwks {
  keys: Jwk[];
}

export interface JwksCacheOptions {
  fetchJwks: () => Promise<Jwks>;
  clock: { nowMs(): number };
  ttlMs?: number;
  cooldownMs?: number;
  maxStaleMs?: number;
}

export class JwksCache {
  #keys: Map<string, Jwk> | null = null;
  #fetchedAt = -Infinity;
  #lastAttempt = -Infinity;
  #inflight: Promise<void> | null = null;

  constructor(readonly options: JwksCacheOptions) {}

  #ttl(): number {
    return this.options.ttlMs ?? 600_000;
  }

  #cooldown(): number {
    return this.options.cooldownMs ?? 30_000;
  }

  #maxStale(): number {
    return this.options.maxStaleMs ?? 3_600_000;
  }

  async getKey(kid: string): Promise<Jwk | null> {
    const now = this.options.clock.nowMs();
    const fresh = this.#keys !== null && now - this.#fetchedAt < this.#ttl();
    const known = this.#keys !== null && this.#keys.has(kid);
    if (!fresh || !known) {
      if (this.#inflight) await this.#inflight;
      else if (now - this.#lastAttempt >= this.#cooldown()) await this.#refresh(now);
    }
    if (this.#keys === null) return null;
    return this.#lookup(kid);
  }

  #lookup(kid: string): Jwk | null {
    return this.#keys?.get(kid) ?? null;
  }

  #refresh(startedAt: number): Promise<void> {
    this.#lastAttempt = startedAt;
    const run = async (): Promise<void> => {
      try {
        const jwks = await this.options.fetchJwks();
        const map = new Map<string, Jwk>();
        for (const key of jwks.keys ?? []) if (typeof key.kid === "string" && !map.has(key.kid)) map.set(key.kid, key);
        this.#keys = map;
        this.#fetchedAt = startedAt;
      } catch {
        // keep serving the last good set; the cooldown already started
      }
    };
    const p: Promise<void> = run().finally(() => {
      if (this.#inflight === p) this.#inflight = null;
    });
    this.#inflight = p;
    return p;
  }
}
