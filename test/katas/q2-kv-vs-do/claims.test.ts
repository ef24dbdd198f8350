import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareStamps, merge, type StoredVersion } from "../../../src/kv/index.js";
import { KV_POPS, makeKvWorld } from "./kv-world.js";

// Platform claims Q2 leans on, shown on src/kv itself: the LWW merge makes the order in which
// writes meet irrelevant, the writing PoP usually (not always) reads its own write at once, and
// another PoP that holds a copy does not (both found, not assumed).

type Merge = (a: StoredVersion | null, b: StoredVersion | null) => StoredVersion | null;

/** Versions with colliding timestamps and writer PoPs, so ties and their tie-breaks are exercised. */
const version: fc.Arbitrary<StoredVersion> = fc
  .record({ timestampMs: fc.constantFrom(0, 9_000, 10_000, 10_000, 123_456), writerPop: fc.constantFrom("LHR", "IAD", "NRT"), seq: fc.integer({ min: 1, max: 6 }), value: fc.constantFrom("a", "b", "c", null) })
  .map((v) => ({ stamp: { timestampMs: v.timestampMs, writerPop: v.writerPop, seq: v.seq }, value: v.value === null ? null : new TextEncoder().encode(v.value) }));

/** Stamps are unique per store (seq is a store-wide counter), so a history never repeats a stamp with other content. */
const deliveries = fc.uniqueArray(version, { selector: (v) => `${v.stamp.timestampMs}/${v.stamp.writerPop}/${v.stamp.seq}`, minLength: 1, maxLength: 6 });

const stampOf = (v: StoredVersion | null): string => (v === null ? "null" : `${v.stamp.timestampMs}/${v.stamp.writerPop}/${v.stamp.seq}`);

/** Any delivery order, with duplicates, folds to the same state. */
function orderIndependence(m: Merge): fc.IPropertyWithHooks<[StoredVersion[], number[], number[]]> {
  return fc.property(deliveries, fc.array(fc.nat()), fc.array(fc.nat()), (vs, dupA, dupB) => {
    const orderA = [...vs, ...dupA.map((i) => vs[i % vs.length] as StoredVersion)];
    const orderB = [...vs].reverse().concat(dupB.map((i) => vs[i % vs.length] as StoredVersion));
    expect(stampOf(orderA.reduce<StoredVersion | null>(m, null))).toBe(stampOf(orderB.reduce<StoredVersion | null>(m, null)));
  });
}

/** Last writer wins: the merged state is the write with the newest stamp. */
function keepsNewest(m: Merge): fc.IPropertyWithHooks<[StoredVersion[]]> {
  return fc.property(deliveries, (vs) => {
    const newest = vs.reduce((a, b) => (compareStamps(a.stamp, b.stamp) >= 0 ? a : b));
    expect(stampOf(vs.reduce<StoredVersion | null>(m, null))).toBe(stampOf(newest));
  });
}

/** A mistake: equal timestamps are settled by arrival (the later delivery wins). */
const tiesByArrival: Merge = (a, b) => (a === null ? b : b === null ? a : a.stamp.timestampMs > b.stamp.timestampMs ? a : b);
/** A mistake: timestamps compared as strings, so "9000" beats "10000". */
const stringTimestamps: Merge = (a, b) => (a === null ? b : b === null ? a : String(a.stamp.timestampMs) > String(b.stamp.timestampMs) || (a.stamp.timestampMs === b.stamp.timestampMs && compareStamps(a.stamp, b.stamp) >= 0) ? a : b);

describe("KV last-writer-wins merge", () => {
  it("is commutative, associative and idempotent: any delivery order, with duplicates, gives the same state", () => {
    fc.assert(orderIndependence(merge), { numRuns: 300 });
    fc.assert(fc.property(version, version, version, (a, b, c) => {
      expect(stampOf(merge(a, b))).toBe(stampOf(merge(b, a)));
      expect(stampOf(merge(merge(a, b), c))).toBe(stampOf(merge(a, merge(b, c))));
      expect(stampOf(merge(a, a))).toBe(stampOf(a));
    }), { numRuns: 300 });
  });

  it("keeps the newest write", () => {
    fc.assert(keepsNewest(merge), { numRuns: 300 });
  });

  it("finds a counter-example when ties are broken by arrival order (two PoPs end up disagreeing)", () => {
    const out = fc.check(orderIndependence(tiesByArrival), { numRuns: 300, seed: 7 });
    expect(out.failed).toBe(true);
  });

  it("finds a counter-example when timestamps are compared as strings (an older write wins)", () => {
    const out = fc.check(keepsNewest(stringTimestamps), { numRuns: 300, seed: 7 });
    expect(out.failed).toBe(true);
  });
});

describe("KV read-your-writes", () => {
  const scenario = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    pops: fc.shuffledSubarray([...KV_POPS], { minLength: 2, maxLength: 4 }),
    warmAtMs: fc.integer({ min: 0, max: 5_000 }),
    readAfterMs: fc.integer({ min: 0, max: 29_000 }),
  });
  type Scenario = { seed: number; pops: string[]; warmAtMs: number; readAfterMs: number };

  /** Writes v1 then v2 at the first PoP (1 s apart); `reader` warms its cache in between, then reads. */
  async function readAfterWrite(s: Scenario, reader: string, ownWriteMissProbability?: number): Promise<unknown> {
    const world = makeKvWorld(s.seed, s.pops, ownWriteMissProbability === undefined ? {} : { ownWriteMissProbability });
    const writer = world.at(s.pops[0] as string);
    await writer.put("k", "v1");
    // The reader caches whatever it sees, as a busy PoP would.
    world.sim.run(s.warmAtMs);
    await world.at(reader).get("k", { cacheTtl: 30 });
    world.sim.run(s.warmAtMs + 1_000);
    await writer.put("k", "v2");
    world.sim.run(s.warmAtMs + 1_000 + s.readAfterMs);
    return world.at(reader).get("k", { cacheTtl: 30 });
  }

  it("usually holds at the writing PoP, but not always: fast-check finds a seed where the writer reads its previous copy", async () => {
    // Cloudflare: "usually immediately visible" where the write was made, "not guaranteed".
    const out = await fc.check(
      fc.asyncProperty(scenario, async (s) => {
        expect(await readAfterWrite(s, s.pops[0] as string)).toBe("v2");
      }),
      { numRuns: 1_000, seed: 7 },
    );
    expect(out.failed).toBe(true);
    expect(out.numRuns).toBeGreaterThan(5); // not at once: the exception is rare (1 write in 100)
    const [s] = out.counterexample as [Scenario];
    expect(await readAfterWrite(s, s.pops[0] as string)).toBe("v1");
    // The same history with the exception switched off reads v2: the miss is the model's, not luck.
    expect(await readAfterWrite(s, s.pops[0] as string, 0)).toBe("v2");
  });

  it("does not hold at another PoP inside the cache TTL: fast-check finds a stale read", async () => {
    const out = await fc.check(
      fc.asyncProperty(scenario, async (s) => {
        expect(await readAfterWrite(s, s.pops[1] as string)).toBe("v2");
      }),
      { numRuns: 100, seed: 7 },
    );
    expect(out.failed).toBe(true);
    const [s] = out.counterexample as [Scenario];
    // Replayed: the other PoP really returns the v1 it cached, within the 30 s cacheTtl.
    expect(await readAfterWrite(s, s.pops[1] as string)).toBe("v1");
    expect(s.readAfterMs).toBeLessThan(30_000);
  });
});
