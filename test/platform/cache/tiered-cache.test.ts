import { describe, expect, it } from "vitest";
import { POPS, Rng, VirtualClock } from "../../../src/sim/index.js";
import { cacheRequest, regionalUpperTiers, runZipfWorkload, TieredCache, zipfSampler } from "../../../src/cache/index.js";
import { FakeOrigin, T0, status } from "./origin-fixture.js";

const TEN_POPS = ["LHR", "FRA", "CDG", "AMS", "IAD", "ORD", "SJC", "NRT", "SIN", "SYD"];

function tiered(upper: boolean): { clock: VirtualClock; origin: FakeOrigin; cache: TieredCache } {
  const clock = new VirtualClock(T0);
  const origin = new FakeOrigin(clock, (_r, n) => ({ status: 200, headers: { "cache-control": "max-age=300", "cache-tag": "site", etag: `"v${n}"` }, body: `v${n}` }));
  const cache = new TieredCache({ clock, origin: origin.fetch, lowerTiers: ["LHR", "FRA", "NRT"], ...(upper ? { upperTierOf: () => "FRA" } : {}) });
  return { clock, origin, cache };
}

describe("TieredCache", () => {
  it("answers a second PoP's miss from the upper tier, not the origin", async () => {
    const { origin, cache } = tiered(true);
    const a = await cache.handle("LHR", cacheRequest("https://s.example/app.js"));
    const b = await cache.handle("NRT", cacheRequest("https://s.example/app.js"));
    expect([status(a), status(b), a.body, b.body]).toEqual(["MISS", "MISS", "v1", "v1"]);
    expect(origin.seen).toHaveLength(1);
    expect(cache.upperTier("FRA")?.stats.statuses.HIT).toBe(1);
  });

  it("without an upper tier every PoP goes to the origin", async () => {
    const { cache } = tiered(false);
    for (const pop of ["LHR", "NRT", "FRA"]) await cache.handle(pop, cacheRequest("https://s.example/app.js"));
    expect(cache.originRequests).toBe(3);
  });

  it("carries the upper tier's Age into the lower tier, so freshness is not reset per tier", async () => {
    const { clock, cache } = tiered(true);
    await cache.handle("LHR", cacheRequest("https://s.example/a"));
    clock.advanceMs(200_000);
    const r = await cache.handle("NRT", cacheRequest("https://s.example/a"));
    expect(r.headers["age"]).toBe("200");
    clock.advanceMs(100_000);
    // 300 s after the origin answered, NRT's copy has expired too.
    expect(status(await cache.handle("NRT", cacheRequest("https://s.example/a")))).toBe("EXPIRED");
  });

  it("purges every tier by URL and by tag", async () => {
    const { origin, cache } = tiered(true);
    for (const pop of ["LHR", "NRT"]) await cache.handle(pop, cacheRequest("https://s.example/a"));
    expect(cache.purgeTag("site")).toBe(3);
    expect(status(await cache.handle("LHR", cacheRequest("https://s.example/a")))).toBe("MISS");
    expect(origin.seen).toHaveLength(2);
    expect(cache.purgeUrl("https://s.example/a")).toBe(2);
  });

  it("rejects an unknown PoP with an EdgeError", () => {
    expect(() => tiered(true).cache.handle("XXX", cacheRequest("https://s.example/a"))).toThrow(expect.objectContaining({ code: "CACHE_UNKNOWN_POP" }));
  });

  it("picks one upper tier per region, inside that region", () => {
    const upperOf = regionalUpperTiers(POPS);
    const byCode = new Map(POPS.map((p) => [p.code, p]));
    const hubs = new Set<string>();
    for (const p of POPS) {
      const hub = upperOf(p.code);
      expect(hub).not.toBeNull();
      expect(byCode.get(hub!)?.region).toBe(p.region);
      hubs.add(hub!);
    }
    expect(hubs.size).toBe(new Set(POPS.map((p) => p.region)).size);
  });
});

describe("Zipf workload", () => {
  it("samples rank 0 about H(n)^-1 of the time for s = 1", () => {
    const draw = zipfSampler(1000, 1.0, new Rng(7));
    let zeros = 0;
    for (let i = 0; i < 20_000; i++) if (draw() === 0) zeros++;
    let h = 0;
    for (let k = 1; k <= 1000; k++) h += 1 / k;
    expect(zeros / 20_000).toBeCloseTo(1 / h, 1);
  });

  it("an upper tier raises origin offload on a seeded Zipf workload, deterministically", async () => {
    const base = { pops: TEN_POPS, requests: 3000, objects: 2000, zipfS: 1.0 };
    const flat = await runZipfWorkload({ ...base, rng: new Rng(42), upperTierOf: null });
    const tier = await runZipfWorkload({ ...base, rng: new Rng(42), upperTierOf: () => "FRA" });
    console.log(`offload without upper tier ${(flat.originOffload * 100).toFixed(1)}%, with ${(tier.originOffload * 100).toFixed(1)}%`);
    expect(tier.originOffload).toBeGreaterThan(flat.originOffload + 0.1);
    // The lower tier sees the same stream either way.
    expect(tier.edgeHitRatio).toBeCloseTo(flat.edgeHitRatio, 10);
    expect(await runZipfWorkload({ ...base, rng: new Rng(42), upperTierOf: () => "FRA" })).toEqual(tier);
  });
});
