import type { Clock } from "../sim/clock.js";
import { greatCircleKm, type Pop, type Region } from "../sim/index.js";
import { EdgeError } from "../core/errors.js";
import type { CacheKeyOptions } from "./cache-key.js";
import type { CacheStoreOptions } from "./cache-store.js";
import { HttpCache } from "./http-cache.js";
import type { CacheRequest, CacheResponse, Upstream } from "./http-message.js";

export interface TieredCacheOptions {
  readonly clock: Clock;
  readonly origin: Upstream;
  /** PoP codes that answer clients (the lower tier). */
  readonly lowerTiers: readonly string[];
  /** The upper-tier PoP a lower tier asks before the origin; null means straight to origin. */
  readonly upperTierOf?: (pop: string) => string | null;
  readonly lowerStore?: CacheStoreOptions;
  readonly upperStore?: CacheStoreOptions;
  readonly key?: CacheKeyOptions;
}

/**
 * Cloudflare's Tiered Cache: each PoP's cache (lower tier) misses to an upper-tier PoP, which
 * alone talks to the origin, so the origin sees about one request per object per upper tier
 * instead of one per PoP. Without `upperTierOf` every PoP goes to the origin directly.
 */
export class TieredCache {
  readonly #lower = new Map<string, HttpCache>();
  readonly #upper = new Map<string, HttpCache>();
  #originRequests = 0;

  constructor(options: TieredCacheOptions) {
    const origin: Upstream = (request) => {
      this.#originRequests++;
      return options.origin(request);
    };
    // ANCHOR: upper-tier
    for (const pop of options.lowerTiers) {
      const upperCode = options.upperTierOf?.(pop) ?? null;
      let upstream = origin;
      if (upperCode !== null) {
        let upper = this.#upper.get(upperCode);
        if (!upper) {
          upper = new HttpCache({ clock: options.clock, upstream: origin, store: options.upperStore, key: options.key, facesClients: false });
          this.#upper.set(upperCode, upper);
        }
        const target = upper;
        upstream = (request) => target.handle(request);
      }
      this.#lower.set(pop, new HttpCache({ clock: options.clock, upstream, store: options.lowerStore, key: options.key }));
    // ANCHOR_END: upper-tier
    }
  }

  handle(pop: string, request: CacheRequest): Promise<CacheResponse> {
    const tier = this.#lower.get(pop);
    if (!tier) throw new EdgeError("CACHE_UNKNOWN_POP", 400, `PoP "${pop}" is not a lower tier of this cache (${this.#lower.size} configured)`);
    return tier.handle(request);
  }

  lowerTier(pop: string): HttpCache | undefined {
    return this.#lower.get(pop);
  }

  upperTier(pop: string): HttpCache | undefined {
    return this.#upper.get(pop);
  }

  get originRequests(): number {
    return this.#originRequests;
  }

  /** Purges a URL from every tier (Cloudflare purges are global). */
  purgeUrl(url: string): number {
    return [...this.#lower.values(), ...this.#upper.values()].reduce((n, c) => n + c.purgeUrl(url), 0);
  }

  purgeTag(tag: string): number {
    return [...this.#lower.values(), ...this.#upper.values()].reduce((n, c) => n + c.purgeTag(tag), 0);
  }

  async settled(): Promise<void> {
    for (const c of [...this.#lower.values(), ...this.#upper.values()]) await c.settled();
  }
}

/**
 * Regional Tiered Cache topology: one upper tier per region, the region's medoid PoP (the one
 * with the least total distance to the others), so it is chosen from data, not hard-coded.
 */
export function regionalUpperTiers(pops: readonly Pop[]): (pop: string) => string | null {
  const byRegion = new Map<Region, Pop[]>();
  for (const p of pops) byRegion.set(p.region, [...(byRegion.get(p.region) ?? []), p]);
  const hubOfRegion = new Map<Region, string>();
  for (const [region, members] of byRegion) {
    let best = members[0] as Pop;
    let bestSum = Infinity;
    for (const candidate of members) {
      const sum = members.reduce((acc, m) => acc + greatCircleKm(candidate, m), 0);
      if (sum < bestSum) [best, bestSum] = [candidate, sum];
    }
    hubOfRegion.set(region, best.code);
  }
  const regionOf = new Map(pops.map((p) => [p.code, p.region]));
  return (pop) => {
    const region = regionOf.get(pop);
    return region === undefined ? null : (hubOfRegion.get(region) ?? null);
  };
}
