import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareStamps, merge, type StoredVersion } from "../../../src/kv/index.js";

// Versions with unique stamps, as the store makes them: (pop, seq) is never reused.
const versionsArb = fc
  .uniqueArray(
    fc.record({ timestampMs: fc.integer({ min: 0, max: 5 }), writerPop: fc.constantFrom("AMS", "LHR", "NRT"), seq: fc.integer({ min: 0, max: 1000 }) }),
    { minLength: 1, maxLength: 8, selector: (s) => `${s.writerPop}/${s.seq}` },
  )
  .map((stamps) => stamps.map((stamp, i): StoredVersion => ({ stamp, value: i % 3 === 0 ? null : new Uint8Array([i]) })));

const newest = (versions: StoredVersion[]): StoredVersion =>
  versions.reduce((best, v) =>
    v.stamp.timestampMs > best.stamp.timestampMs ||
    (v.stamp.timestampMs === best.stamp.timestampMs && (v.stamp.writerPop > best.stamp.writerPop || (v.stamp.writerPop === best.stamp.writerPop && v.stamp.seq > best.stamp.seq)))
      ? v
      : best,
  );

describe("LWW register merge", () => {
  it("is commutative, associative and idempotent, with null as identity", () => {
    fc.assert(
      fc.property(versionsArb, (vs) => {
        const [a, b = a, c = b] = vs as [StoredVersion, StoredVersion?, StoredVersion?];
        expect(merge(a, b)).toBe(merge(b, a));
        expect(merge(merge(a, b), c)).toBe(merge(a, merge(b, c)));
        expect(merge(a, a)).toBe(a);
        expect(merge(a, null)).toBe(a);
        expect(merge(null, a)).toBe(a);
      }),
      { numRuns: 200 },
    );
  });

  it("ends at the newest write for any delivery order, duplicates included", () => {
    fc.assert(
      fc.property(
        versionsArb.chain((vs) => fc.tuple(fc.constant(vs), fc.array(fc.integer({ min: 0, max: vs.length - 1 }), { maxLength: 20 }), fc.infiniteStream(fc.nat()))),
        ([vs, extra, randomness]) => {
          // Every version delivered at least once, some several times, in a shuffled order.
          const deliveries = [...vs, ...extra.map((i) => vs[i] as StoredVersion)];
          const it = randomness[Symbol.iterator]();
          for (let i = deliveries.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [deliveries[i], deliveries[j]] = [deliveries[j] as StoredVersion, deliveries[i] as StoredVersion];
          }
          const result = deliveries.reduce<StoredVersion | null>((acc, v) => merge(acc, v), null);
          expect(result).toBe(newest(vs));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("orders by timestamp first, then writer PoP, then sequence number", () => {
    const v = (timestampMs: number, writerPop: string, seq: number): StoredVersion => ({ stamp: { timestampMs, writerPop, seq }, value: null });
    expect(merge(v(2, "AMS", 1), v(1, "SYD", 9))?.stamp.timestampMs).toBe(2);
    expect(merge(v(1, "AMS", 9), v(1, "SYD", 1))?.stamp.writerPop).toBe("SYD");
    expect(merge(v(1, "LHR", 3), v(1, "LHR", 4))?.stamp.seq).toBe(4);
    expect(compareStamps(v(1, "LHR", 4).stamp, v(1, "LHR", 4).stamp)).toBe(0);
  });
});
