import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryStorageEngine, SqliteStorage, compareKeys, type ListRange, type StorageEngine, type WriteBatch } from "../../../src/storage/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-engine-"));
  dirs.push(dir);
  return join(dir, "edge.sqlite");
}

const A = { namespace: "NS", objectId: "a" };
const B = { namespace: "NS", objectId: "b" };
const key = fc.string({ unit: fc.constantFrom("a", "b", "é", "\uFFFD", "\u{1F600}", "\u0000"), maxLength: 3 });
const bytes = fc.uint8Array({ maxLength: 4 });
const batch: fc.Arbitrary<WriteBatch> = fc.record({
  // Rarely, so that lists usually have something to show.
  deleteAll: fc.constantFrom(false, false, false, false, true),
  deletes: fc.array(key, { maxLength: 3 }),
  puts: fc.array(fc.tuple(key, bytes), { maxLength: 4 }),
});
const range: fc.Arbitrary<ListRange> = fc.record(
  { start: key, startAfter: key, end: key, prefix: key, reverse: fc.boolean(), limit: fc.integer({ min: 1, max: 6 }) },
  { requiredKeys: [] },
);

describe("storage engines agree", () => {
  it("memory and SQLite engines return the same entries for any writes and any list range", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { maxLength: 6 }), fc.array(range, { minLength: 1, maxLength: 4 }), async (batches, ranges) => {
        const engines: StorageEngine[] = [new MemoryStorageEngine(), SqliteStorage.open(":memory:")];
        const outcomes = await Promise.all(
          engines.map(async (engine) => {
            const deleted: number[] = [];
            for (const b of batches) deleted.push((await engine.write(A, b)).deletedCount);
            const lists = await Promise.all(ranges.map((r) => engine.list(A, r)));
            return { deleted, lists, other: await engine.list(B, {}) };
          }),
        );
        expect(outcomes[1]).toEqual(outcomes[0]);
        // Sorted in UTF-8 byte order, and objects never see each other's keys.
        for (const [i, list] of (outcomes[0]?.lists ?? []).entries()) {
          const keys = list.map(([k]) => k);
          const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
          expect(keys).toEqual(ranges[i]?.reverse === true ? sorted.reverse() : sorted);
        }
        expect(outcomes[0]?.other).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("compareKeys orders strings exactly as their UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (x, y) => {
        expect(Math.sign(compareKeys(x, y))).toBe(Math.sign(Buffer.compare(Buffer.from(x), Buffer.from(y))));
      }),
      { numRuns: 300 },
    );
  });
});

describe("SqliteStorage", () => {
  it("a batch is atomic: if any row fails to bind, no row of it is written", async () => {
    const storage = SqliteStorage.open(":memory:");
    await storage.write(A, { puts: [["keep", new Uint8Array([1])]] });
    const poisoned = { puts: [["x", new Uint8Array([2])], ["y", Symbol("not bytes") as unknown as Uint8Array]] } as WriteBatch;
    await expect(storage.write(A, { deletes: ["keep"], ...poisoned })).rejects.toThrow();
    expect((await storage.list(A, {})).map(([k]) => k)).toEqual(["keep"]);
  });

  it("data and alarms persist across close and reopen; WAL and synchronous=FULL are on", async () => {
    const path = tempDb();
    const first = SqliteStorage.open(path);
    await first.write(A, { puts: [["k", new Uint8Array([7])]], alarmMs: 1234 });
    await first.write(B, { alarmMs: 99 });
    await first.write(B, { alarmMs: null });
    first.kvTable("KV").put({ key: "greeting", value: new Uint8Array([104, 105]), metadataJson: '{"v":1}', expiration: 1e9, writtenAtMs: 5 });
    first.close();
    const second = SqliteStorage.open(path);
    expect(second.pragma("journal_mode")).toBe("wal");
    // SQLite reports synchronous as a number: 2 is FULL.
    expect(second.pragma("synchronous")).toBe(2);
    expect(await second.read(A, ["k", "missing"])).toEqual(new Map([["k", new Uint8Array([7])]]));
    expect(await second.getAlarm(A)).toBe(1234);
    expect(await second.getAlarm(B)).toBeNull();
    expect(await second.listAlarms()).toEqual([{ object: A, alarmMs: 1234 }]);
    expect(second.kvTable("KV").get("greeting")).toEqual({
      key: "greeting",
      value: new Uint8Array([104, 105]),
      metadataJson: '{"v":1}',
      expiration: 1e9,
      writtenAtMs: 5,
    });
    expect(second.kvTable("OTHER").get("greeting")).toBeUndefined();
    second.close();
  });

  it("open on an unusable path is a typed error", () => {
    expect(() => SqliteStorage.open("/proc/definitely/not/here.sqlite")).toThrow(expect.objectContaining({ code: "STORAGE_OPEN_FAILED" }));
  });
});
