import { assert } from "../core/errors.js";
import type { Rng } from "../sim/rng.js";
import { VirtualClock } from "../sim/clock.js";
import { TieredCache } from "./tiered-cache.js";
import { formatHttpDate } from "./http-date.js";
import type { CacheResponse } from "./http-message.js";

/** Draws ranks 0..n-1 with P(k) ∝ 1/(k+1)^s (Zipf), by inverse CDF over a precomputed table. */
export function zipfSampler(n: number, s: number, rng: Rng): () => number {
  assert(Number.isInteger(n) && n > 0, `zipf needs n >= 1, got ${n}`);
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** s;
  return () => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface ZipfWorkloadOptions {
  readonly rng: Rng;
  readonly pops: readonly string[];
  readonly upperTierOf: ((pop: string) => string | null) | null;
  /** @defaultValue 100_000 */
  readonly requests?: number;
  /** @defaultValue 20_000 */
  readonly objects?: number;
  /** @defaultValue 1.0 */
  readonly zipfS?: number;
  /** Cache-Control max-age the origin sends. @defaultValue 3600 */
  readonly maxAgeS?: number;
  /** Virtual time between requests. @defaultValue 20 */
  readonly interArrivalMs?: number;
  /** Per-tier capacity in bytes. @defaultValue unbounded in practice (1 GiB) */
  readonly lowerCapacityBytes?: number;
}

export interface ZipfWorkloadResult {
  readonly requests: number;
  readonly originRequests: number;
  /** Share of client requests answered by the PoP's own cache (HIT, REVALIDATED, UPDATING, STALE). */
  readonly edgeHitRatio: number;
  /** 1 − origin requests / client requests. */
  readonly originOffload: number;
}

/** Replays a seeded Zipf request stream over PoPs in virtual time and measures the tiers. */
export async function runZipfWorkload(options: ZipfWorkloadOptions): Promise<ZipfWorkloadResult> {
  const requests = options.requests ?? 100_000;
  const maxAgeS = options.maxAgeS ?? 3600;
  const clock = new VirtualClock(1_700_000_000_000);
  const origin = async (request: { url: string }): Promise<CacheResponse> => ({
    status: 200,
    headers: { "cache-control": `max-age=${maxAgeS}`, date: formatHttpDate(clock.nowMs()), etag: `"${request.url.length}"`, "content-type": "text/plain" },
    body: `object ${request.url}`,
  });
  const cache = new TieredCache({
    clock,
    origin,
    lowerTiers: options.pops,
    ...(options.upperTierOf ? { upperTierOf: options.upperTierOf } : {}),
    lowerStore: { capacityBytes: options.lowerCapacityBytes ?? 1024 ** 3 },
    upperStore: { capacityBytes: 1024 ** 3 },
  });
  const rank = zipfSampler(options.objects ?? 20_000, options.zipfS ?? 1.0, options.rng.fork("zipf"));
  const popRng = options.rng.fork("pop");
  let edgeHits = 0;
  for (let i = 0; i < requests; i++) {
    clock.advanceMs(options.interArrivalMs ?? 20);
    const pop = popRng.pick(options.pops);
    const response = await cache.handle(pop, { method: "GET", url: `https://static.example.com/o/${rank()}`, headers: {} });
    const status = response.headers["cf-cache-status"];
    if (status === "HIT" || status === "REVALIDATED" || status === "UPDATING" || status === "STALE") edgeHits++;
  }
  return { requests, originRequests: cache.originRequests, edgeHitRatio: edgeHits / requests, originOffload: 1 - cache.originRequests / requests };
}
