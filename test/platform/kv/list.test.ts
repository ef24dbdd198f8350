import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { KvListResult, KvNamespaceApi } from "../../../src/core/bindings.js";
import { compareUtf8 } from "../../../src/kv/index.js";
import { makeWorld } from "./world.js";

// Characters chosen so UTF-16 order and UTF-8 byte order disagree (U+FF5E vs U+1F600).
const keyArb = fc
  .array(fc.constantFrom("a", "b", "/", "é", "\uff5e", "\u{1f600}", "z"), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join(""));

async function listAll(kv: KvNamespaceApi, prefix: string, pageSizes: number[], between?: (page: number) => Promise<void>): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result: KvListResult = await kv.list({ prefix, limit: pageSizes[page % pageSizes.length], cursor });
    names.push(...result.keys.map((k) => k.name));
    if (result.list_complete) {
      expect(result.cursor).toBeUndefined();
      return names;
    }
    expect(result.keys.length).toBe(pageSizes[page % pageSizes.length]);
    cursor = result.cursor;
    await between?.(page);
  }
  throw new Error("list never completed");
}

function utf8Sorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

describe("KV list", () => {
  it("compareUtf8 orders strings exactly as their UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"))));
      }),
      { numRuns: 300 },
    );
  });

  it("returns every live key with the prefix exactly once, in UTF-8 order, across pages of random sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArb, { maxLength: 40 }),
        fc.array(keyArb, { maxLength: 10 }),
        fc.constantFrom("", "a", "b", "é", "\u{1f600}", "zz"),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
        async (keys, deleted, prefix, pageSizes) => {
          const world = makeWorld(1, { pops: ["LHR"] });
          const kv = world.at("LHR");
          for (const key of keys) await kv.put(key, "v");
          world.sim.run(world.sim.now() + 1000);
          for (const key of new Set(deleted)) if (keys.includes(key)) await kv.delete(key);
          const live = keys.filter((k) => !deleted.includes(k) && k.startsWith(prefix));
          expect(await listAll(kv, prefix, pageSizes)).toEqual(utf8Sorted(live));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keeps pages stable under concurrent writes: keys live throughout appear once, no key twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArb, { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(keyArb, fc.boolean()), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (keys, churn, pageSize) => {
          const world = makeWorld(2, { pops: ["LHR"] });
          const kv = world.at("LHR");
          for (const key of keys) await kv.put(key, "v");
          const touched = new Set(churn.map(([k]) => k));
          let next = 0;
          const names = await listAll(kv, "", [pageSize], async () => {
            world.sim.run(world.sim.now() + 1000);
            const [key, remove] = churn[next++ % Math.max(churn.length, 1)] ?? ["", false];
            if (key === "") return;
            if (remove) await kv.delete(key);
            else await kv.put(key, "new");
          });
          expect(new Set(names).size).toBe(names.length);
          expect(names).toEqual(utf8Sorted(names));
          for (const key of keys) if (!touched.has(key)) expect(names).toContain(key);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("pages across the store's internal batches of 256, skipping deleted and expired keys on the way", async () => {
    const world = makeWorld(4, { pops: ["LHR"] });
    const kv = world.at("LHR");
    const keys = Array.from({ length: 700 }, (_, i) => `k${String(i).padStart(3, "0")}`);
    for (const key of keys) await kv.put(key, "v", key.endsWith("7") ? { expirationTtl: 60 } : {});
    world.sim.run(world.sim.now() + 1000);
    for (const key of keys.filter((_, i) => i % 3 === 0)) await kv.delete(key);
    world.sim.run(world.sim.now() + 60_000);
    const live = keys.filter((key, i) => i % 3 !== 0 && !key.endsWith("7"));
    expect(live.length).toBeGreaterThan(256);
    expect(await listAll(kv, "", [1000])).toEqual(live);
    expect(await listAll(kv, "", [256, 255, 257])).toEqual(live);
    const first = await kv.list({ limit: live.length });
    expect(first.list_complete).toBe(true);
    expect(first.keys).toHaveLength(live.length);
    const short = await kv.list({ limit: live.length - 1 });
    expect(short.list_complete).toBe(false);
    expect(short.keys).toHaveLength(live.length - 1);
  });

  it("reports metadata and expiration, and drops keys once they expire", async () => {
    const world = makeWorld(3, { pops: ["LHR"] });
    const kv = world.at("LHR");
    const nowSec = world.sim.now() / 1000;
    await kv.put("a", "1", { metadata: { owner: "ada" } });
    await kv.put("b", "2", { expirationTtl: 60 });
    expect((await kv.list()).keys).toEqual([{ name: "a", metadata: { owner: "ada" } }, { name: "b", expiration: nowSec + 60 }]);
    world.sim.run(world.sim.now() + 60_000);
    expect((await kv.list()).keys.map((k) => k.name)).toEqual(["a"]);
    expect(await kv.get("b")).toBeNull();
  });
});
