import { describe, expect, it } from "vitest";
import { EdgeError } from "../../../src/core/errors.js";
import { CacheLayer, KV_CENTRAL_STORE_CITIES, KV_TIER_HUB_BY_REGION, KvStore, readNetworkMs, staleReadProbability } from "../../../src/kv/index.js";
import { WriteLimit } from "../../../src/kv/write-limit.js";
import { POPS, Rng, VirtualClock, popByCode } from "../../../src/sim/index.js";
import { START_MS, TIERED_POPS, makeWorld } from "./world.js";

const copy = (fetchedAtMs: number, ttlMs: number): { version: null; fetchedAtMs: number; expiresAtMs: number } => ({ version: null, fetchedAtMs, expiresAtMs: fetchedAtMs + ttlMs });

describe("KV cache layer", () => {
  it("serves a copy only while it is younger than the read's cacheTtl and not past its own expiry", () => {
    const cache = new CacheLayer(10);
    cache.store("k", copy(1_000, 30_000), 1_000);
    expect(cache.fresh("k", 30_999, 30_000)).toBeDefined();
    expect(cache.fresh("k", 31_000, 30_000)).toBeUndefined(); // 30 s old: a 30 s cacheTtl refills
    expect(cache.fresh("k", 31_000, 300_000)).toBeUndefined(); // filled for 30 s: expired, whatever this read allows
    expect(cache.fresh("k", 20_000, 19_000)).toBeUndefined(); // a shorter cacheTtl asks for newer data
    expect(cache.fresh("k", 20_000, 19_001)).toBeDefined();
    expect(cache.fresh("missing", 1_000, 30_000)).toBeUndefined();
  });

  it("evicts expired copies before live ones, then the one filled longest ago, and never holds more than its bound", () => {
    const cache = new CacheLayer(3);
    cache.store("b", copy(0, 60_000), 0);
    cache.store("a", copy(1_000, 9_000), 1_000);
    cache.store("c", copy(2_000, 60_000), 2_000);
    cache.store("d", copy(20_000, 60_000), 20_000); // "a" has expired: it goes, not "b", the oldest fill
    expect(["a", "b", "c", "d"].map((k) => cache.fresh(k, 20_000, 60_000) !== undefined)).toEqual([false, true, true, true]);
    cache.store("b", copy(21_000, 60_000), 21_000); // refilling b makes it the newest
    cache.store("e", copy(22_000, 60_000), 22_000); // all live: the oldest fill, c, goes
    expect(["b", "c", "d", "e"].map((k) => cache.fresh(k, 22_000, 60_000) !== undefined)).toEqual([true, false, true, true]);
    expect(cache.size).toBe(3);
    expect(cache.summary(22_000)).toEqual({ live: 3, nextExpiryMs: 80_000 });
    expect(cache.summary(81_000)).toEqual({ live: 1, nextExpiryMs: 82_000 });
    cache.sweep(81_000); // b expires at 81 s exactly: gone; e at 82 s: kept
    expect(cache.size).toBe(1);
    cache.sweep(90_000);
    expect(cache.size).toBe(0);
    expect(cache.summary(90_000)).toEqual({ live: 0, nextExpiryMs: undefined });
    // The next expiry is the earliest, whatever order the copies were filled in.
    const unordered = new CacheLayer(10);
    unordered.store("late", copy(0, 80_000), 0);
    unordered.store("early", copy(0, 40_000), 0);
    unordered.store("middle", copy(0, 60_000), 0);
    expect(unordered.summary(1_000)).toEqual({ live: 3, nextExpiryMs: 40_000 });
    expect(() => new CacheLayer(0)).toThrow(/at least one copy/);
    const single = new CacheLayer(1);
    single.store("x", copy(0, 60_000), 0);
    single.store("y", copy(1, 60_000), 1);
    expect([single.fresh("x", 2, 60_000), single.fresh("y", 2, 60_000)].map((c) => c !== undefined)).toEqual([false, true]);
    expect(() => new CacheLayer(1.5)).toThrow(/at least one copy/);
  });

  it("sweeps expired copies on its own after enough operations, so a layer that is only read also shrinks", () => {
    const cache = new CacheLayer(1_000_000);
    for (let i = 0; i < 2_000; i++) cache.store(`k${i}`, copy(0, 1_000), 0);
    expect(cache.size).toBe(2_000);
    for (let i = 0; i < 2_000; i++) cache.fresh("x", 5_000, 30_000);
    expect(cache.size).toBe(0);
  });
});

describe("KV write limit", () => {
  it("refuses a second write within a second, names the key (cut at 64 characters), the gap and the PoP, and forgets old writes", () => {
    const limit = new WriteLimit();
    const long = `${"k".repeat(64)}tail`;
    limit.record(long, 1_000);
    let error: unknown;
    try {
      limit.check(long, 1_999, "NRT");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeError);
    expect((error as EdgeError).message).toBe(`key "${"k".repeat(64)}…" was written 999 ms before this write from NRT; the limit is 1 write per 1000 ms per key`);
    expect(() => limit.check(long, 2_000, "NRT")).not.toThrow();
    limit.record("k".repeat(64), 5_000);
    expect(() => limit.check("k".repeat(64), 5_001, "LHR")).toThrow(`key "${"k".repeat(64)}" was written 1 ms`); // 64 characters: shown whole
    limit.record("short", 5_000);
    expect(() => limit.check("short", 5_500, "LHR")).toThrow(/^key "short" was written 500 ms before this write from LHR;/);
    expect(() => limit.check("other", 1_500, "NRT")).not.toThrow();
    for (let i = 0; i < 3_000; i++) limit.record(`x${i}`, 10_000 + i);
    expect(limit.size).toBeLessThan(2_100); // swept: only writes of the last second (and since the last sweep) remain
    expect(limit.size).toBeGreaterThan(1_000);
  });
});

describe("KV topology: a read's modelled network time by the layer that answers it", () => {
  it("puts every region's tier in a known city, and a cold read on to the nearest of the known central stores", () => {
    for (const [region, hub] of Object.entries(KV_TIER_HUB_BY_REGION)) {
      expect(popByCode(hub)?.region, `${region} tier hub ${hub}`).toBe(region);
      // At the hub itself a tier hit costs only the fixed per-hop cost, 0.5 ms each way.
      expect(readNetworkMs(hub, region, "tier")).toBeCloseTo(1, 6);
    }
    for (const city of KV_CENTRAL_STORE_CITIES) expect(popByCode(city)).toBeDefined();
    // Frankfurt and Singapore host both a tier and a central store; Chicago's nearest is Ashburn.
    expect(readNetworkMs("FRA", "EU", "central")).toBeCloseTo(2, 6);
    expect(readNetworkMs("SIN", "AS", "central")).toBeCloseTo(2, 6);
    const chicagoToAshburn = readNetworkMs("ORD", "NA", "central") - readNetworkMs("ORD", "NA", "tier");
    expect(chicagoToAshburn).toBeGreaterThan(10);
    expect(chicagoToAshburn).toBeLessThan(20);
  });

  it("is ordered pop < tier < central for every PoP of the dataset; unknown places give NaN", () => {
    for (const pop of POPS) {
      const tier = readNetworkMs(pop.code, pop.region, "tier");
      expect(readNetworkMs(pop.code, pop.region, "pop")).toBe(0);
      expect(tier).toBeGreaterThan(0);
      expect(readNetworkMs(pop.code, pop.region, "central")).toBeGreaterThan(tier);
    }
    expect(readNetworkMs("XYZ", "EU", "tier")).toBeNaN();
    // A tier outside the table is hosted by the reading PoP itself.
    expect(readNetworkMs("LHR", "LHR", "tier")).toBeCloseTo(1, 6);
  });
});

describe("KV store options and observations", () => {
  it("refuses impossible options", () => {
    const base = { clock: new VirtualClock(START_MS), rng: new Rng(1) };
    expect(() => new KvStore({ ...base, pops: [] })).toThrow(/at least one PoP/);
    expect(() => new KvStore({ ...base, pops: ["LHR"], ownWriteMissProbability: -0.01 })).toThrow(/\[0, 1\]/);
    expect(() => new KvStore({ ...base, pops: ["LHR"], ownWriteMissProbability: 1.01 })).toThrow(/\[0, 1\]/);
    expect(() => new KvStore({ ...base, pops: ["LHR"] }).namespace("")).toThrow(/non-empty/);
    expect(new KvStore({ ...base, pops: ["LHR"] }).ownWriteMissProbability).toBe(0.01);
    expect(() => staleReadProbability(-1, 30_000, 1_000)).toThrow(/non-negative and intervals positive/);
    expect(() => staleReadProbability(0, 0, 1_000)).toThrow();
    expect(() => staleReadProbability(0, 30_000, 0)).toThrow();
  });

  it("counts reads by the layer that answered, and summarises each PoP's and tier's copies and next expiry", async () => {
    const world = makeWorld(1, { pops: TIERED_POPS });
    await world.at("LHR").put("a", "1"); // LHR's own cache, expires at +60 s
    await world.at("NRT").get("a", { cacheTtl: 30 }); // central, fills the AS tier and NRT
    await world.at("SIN").get("a", { cacheTtl: 45 }); // AS tier, keeps its age: expires at +45 s
    await world.at("SIN").get("a", { cacheTtl: 45 }); // SIN's own copy
    await world.at("NRT").get("b", { cacheTtl: 30 }); // a cached "not found"
    expect(world.store.readsBy).toEqual({ pop: 1, tier: 1, central: 2 });
    expect(world.store.cacheSummary()).toEqual([
      { location: "AS", kind: "tier", copies: 2, live: 2, nextExpiryMs: START_MS + 30_000 },
      { location: "NRT", kind: "pop", copies: 2, live: 2, nextExpiryMs: START_MS + 30_000 },
      { location: "LHR", kind: "pop", copies: 1, live: 1, nextExpiryMs: START_MS + 60_000 },
      { location: "SIN", kind: "pop", copies: 1, live: 1, nextExpiryMs: START_MS + 45_000 },
    ]);
    world.sim.run(START_MS + 50_000);
    expect(world.store.cacheSummary().map((c) => [c.location, c.live])).toEqual([["LHR", 1], ["AS", 0], ["NRT", 0], ["SIN", 0]]);
    // Copies, tiers and the write time of "a" (forgotten only at the next sweep).
    expect(world.store.trackedEntries).toBe(1 + 2 + 2 + 1 + 1);
  });

  it("sums copies over namespaces and keeps the earliest expiry, with a PoP and a tier of the same name apart", async () => {
    const world = makeWorld(3, { pops: ["LHR", "NRT"], tierOf: (pop) => pop });
    // Namespaces are summed in the order they were first used: the earliest expiry is in the
    // first, a later one in the second, and none at all (only an expired copy) in the third.
    await world.at("NRT").get("a", { cacheTtl: 60 });
    await world.store.namespace("OTHER").atPop("NRT").get("a", { cacheTtl: 300 });
    await world.store.namespace("THIRD").atPop("NRT").get("x", { cacheTtl: 30 });
    world.sim.run(START_MS + 40_000);
    expect(world.store.cacheSummary()).toEqual([
      { location: "NRT", kind: "pop", copies: 3, live: 2, nextExpiryMs: START_MS + 60_000 },
      { location: "NRT", kind: "tier", copies: 3, live: 2, nextExpiryMs: START_MS + 60_000 },
    ]);
    expect(() => world.store.namespace("OTHER").atPop("SYD")).toThrow(expect.objectContaining({ code: "KV_POP_UNKNOWN", status: 500 }));
  });

  it("keeps the writer's own copy for the default 60 s, whatever is written elsewhere meanwhile", async () => {
    const world = makeWorld(2, { pops: TIERED_POPS });
    await world.at("LHR").put("k", "from London");
    world.sim.run(START_MS + 2_000);
    await world.at("NRT").put("k", "from Tokyo");
    world.sim.run(START_MS + 59_999);
    expect(await world.at("LHR").get("k", { cacheTtl: 300 })).toBe("from London");
    world.sim.run(START_MS + 60_000);
    expect(await world.at("LHR").get("k", { cacheTtl: 300 })).toBe("from Tokyo");
  });
});
