import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryKvTable, SqliteStorage, type KvRow, type KvTable } from "../../../src/storage/index.js";

const key = fc.string({ unit: fc.constantFrom("a", "b", "/", "é", "\u{1F600}"), maxLength: 4 });
const row: fc.Arbitrary<KvRow> = fc.record({
  key,
  value: fc.uint8Array({ maxLength: 4 }),
  metadataJson: fc.option(fc.json(), { nil: null }),
  expiration: fc.option(fc.integer({ min: 0, max: 2_000_000_000 }), { nil: null }),
  writtenAtMs: fc.integer({ min: 0, max: 1e12 }),
});
type Op = { op: "put"; row: KvRow } | { op: "delete"; key: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("put" as const), row }),
  fc.record({ op: fc.constant("delete" as const), key }),
);

/** The model: a Map, scanned by sorting UTF-8 bytes. */
function modelScan(model: Map<string, KvRow>, prefix: string, afterKey: string | undefined, limit: number): KvRow[] {
  const utf8 = (s: string): Buffer => Buffer.from(s);
  return [...model.values()]
    .filter((r) => r.key.startsWith(prefix) && (afterKey === undefined || Buffer.compare(utf8(r.key), utf8(afterKey)) > 0))
    .sort((x, y) => Buffer.compare(utf8(x.key), utf8(y.key)))
    .slice(0, limit);
}

describe.each([
  ["MemoryKvTable", (): KvTable => new MemoryKvTable()],
  ["SQLite kvTable", (): KvTable => SqliteStorage.open(":memory:").kvTable("NS")],
])("%s", (_name, make) => {
  it("get/put/delete/scan(prefix, afterKey, limit) agree with a Map model", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), key, fc.option(key, { nil: undefined }), fc.integer({ min: 1, max: 5 }), (ops, prefix, after, limit) => {
        const table = make();
        const model = new Map<string, KvRow>();
        for (const o of ops) {
          if (o.op === "put") {
            table.put(o.row);
            model.set(o.row.key, o.row);
          } else {
            expect(table.delete(o.key)).toBe(model.delete(o.key));
          }
        }
        for (const k of model.keys()) expect(table.get(k)).toEqual(model.get(k));
        expect(table.scan(prefix, after, limit)).toEqual(modelScan(model, prefix, after, limit));
        // Paging with afterKey visits every key once, in order.
        const paged: string[] = [];
        for (let page = table.scan("", undefined, 2); page.length > 0; page = table.scan("", paged.at(-1), 2)) {
          paged.push(...page.map((r) => r.key));
        }
        expect(paged).toEqual(modelScan(model, "", undefined, Number.MAX_SAFE_INTEGER).map((r) => r.key));
      }),
      { numRuns: 40 },
    );
  });
});
