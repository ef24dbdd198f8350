import { describe, expect, it } from "vitest";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import {
  KV_CACHE_TTL_SECONDS_DEFAULT,
  KV_CACHE_TTL_SECONDS_MIN,
  KV_EXPIRATION_TTL_SECONDS_MIN,
  KV_KEY_SIZE_BYTES_MAX,
  KV_LIST_LIMIT_MAX,
  KV_METADATA_SIZE_BYTES_MAX,
  KV_VALUE_SIZE_BYTES_MAX,
  KV_WRITES_PER_KEY_INTERVAL_MS,
} from "../../../src/kv/index.js";
import { makeWorld, type World } from "./world.js";

async function expectEdgeError(promise: Promise<unknown>, code: string, status: number, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgeError);
  expect((error as EdgeError).code).toBe(code);
  expect((error as EdgeError).status).toBe(status);
  if (message) expect((error as EdgeError).message).toMatch(message);
}

/** A namespace holding key "k" = "before"; every rejected call must leave exactly that. */
async function seeded(): Promise<{ world: World; kv: KvNamespaceApi; unchanged(): Promise<void> }> {
  const world = makeWorld(11, { pops: ["LHR", "NRT"] });
  const kv = world.at("LHR");
  await kv.put("k", "before");
  world.sim.run(world.sim.now() + 1000);
  const unchanged = async (): Promise<void> => {
    world.sim.run(world.sim.now() + 120_000); // past every cache lifetime: reads go to the central store
    expect(await kv.get("k")).toBe("before");
    expect(await world.at("NRT").get("k")).toBe("before");
    expect((await kv.list()).keys.map((k) => k.name)).toEqual(["k"]);
  };
  return { world, kv, unchanged };
}

describe("KV limits: each is enforced at its exact boundary, with a typed error, storing nothing", () => {
  it("are Cloudflare's figures (limits.ts cites each page)", () => {
    expect(KV_KEY_SIZE_BYTES_MAX).toBe(512);
    expect(KV_VALUE_SIZE_BYTES_MAX).toBe(26_214_400); // 25 MiB
    expect(KV_METADATA_SIZE_BYTES_MAX).toBe(1024);
    expect(KV_EXPIRATION_TTL_SECONDS_MIN).toBe(60);
    expect(KV_CACHE_TTL_SECONDS_MIN).toBe(30);
    expect(KV_CACHE_TTL_SECONDS_DEFAULT).toBe(60);
    expect(KV_WRITES_PER_KEY_INTERVAL_MS).toBe(1000);
    expect(KV_LIST_LIMIT_MAX).toBe(1000);
  });

  it("keys: 512 UTF-8 bytes pass and 513 fail (414), counted in bytes for 1-, 2-, 3- and 4-byte characters", async () => {
    const { world, kv, unchanged } = await seeded();
    expect(KV_KEY_SIZE_BYTES_MAX).toBe(512);
    // Each pair: exactly 512 bytes, then one byte more.
    const pairs: Array<[string, string]> = [
      ["x".repeat(512), "x".repeat(513)],
      ["é".repeat(256), `${"é".repeat(256)}x`], // 2 bytes each
      [`${"€".repeat(170)}ab`, `${"€".repeat(170)}abc`], // 3 bytes each: 510 + 2
      ["\u{1f600}".repeat(128), `${"\u{1f600}".repeat(128)}x`], // 4 bytes each (2 UTF-16 units)
    ];
    for (const [fits, over] of pairs) {
      await kv.put(fits, "ok");
      expect(await kv.get(fits)).toBe("ok");
      await expectEdgeError(kv.put(over, "v"), "KV_KEY_TOO_LARGE", 414, /is 513 bytes; the limit is 512/);
      await expectEdgeError(kv.get(over), "KV_KEY_TOO_LARGE", 414);
      await expectEdgeError(kv.delete(over), "KV_KEY_TOO_LARGE", 414);
    }
    // 257 two-byte characters are 514 bytes although only 257 UTF-16 units.
    await expectEdgeError(kv.put("é".repeat(257), "v"), "KV_KEY_TOO_LARGE", 414, /514 bytes/);
    world.sim.run(world.sim.now() + 1000);
    for (const [fits] of pairs) await kv.delete(fits);
    await unchanged();
  });

  it("keys: the empty key, '.', '..', non-strings and lone surrogates are refused; '...', spaces and lookalikes are ordinary keys", async () => {
    const { world, kv, unchanged } = await seeded();
    await expectEdgeError(kv.put("", "v"), "KV_KEY_EMPTY", 400);
    await expectEdgeError(kv.get(""), "KV_KEY_EMPTY", 400);
    await expectEdgeError(kv.put(".", "v"), "KV_KEY_INVALID", 400);
    await expectEdgeError(kv.delete(".."), "KV_KEY_INVALID", 400);
    await expectEdgeError(kv.put(42 as unknown as string, "v"), "KV_KEY_INVALID", 400, /got number/);
    await expectEdgeError(kv.put("a\ud800", "v"), "KV_KEY_INVALID", 400, /lone UTF-16 surrogate/);
    // Keys that are empty after trimming are not empty: KV does not trim, and each is its own key.
    const ordinary = ["...", " ", "  ", "\t", "\u00a0", "k ", " k", "K", "k\u0301", "\u00e9", "e\u0301"];
    for (const key of ordinary) await kv.put(key, `value of ${JSON.stringify(key)}`);
    for (const key of ordinary) expect(await kv.get(key)).toBe(`value of ${JSON.stringify(key)}`);
    expect((await kv.list()).keys.map((k) => k.name).sort()).toEqual([...ordinary, "k"].sort());
    world.sim.run(world.sim.now() + 1000);
    for (const key of ordinary) await kv.delete(key);
    await unchanged();
  });

  it("keys: '__proto__', 'constructor', 'toString' and 'hasOwnProperty' are data, never object machinery", async () => {
    const world = makeWorld(3, { pops: ["LHR", "NRT"] });
    const kv = world.at("LHR");
    const keys = ["__proto__", "constructor", "toString", "hasOwnProperty", "prototype"];
    for (const key of keys) expect(await kv.get(key)).toBeNull();
    // Metadata with an own "__proto__" member, as JSON.parse makes it from untrusted input.
    const metadata = (key: string): unknown => JSON.parse(`{"__proto__":{"polluted":true},"key":${JSON.stringify(key)}}`);
    for (const key of keys) await kv.put(key, `v:${key}`, { metadata: metadata(key) });
    for (const key of keys) {
      const got = await world.at("NRT").getWithMetadata(key);
      expect(got.value).toBe(`v:${key}`);
      expect(Object.getPrototypeOf(got.metadata)).toBe(Object.prototype);
      expect((got.metadata as { polluted?: unknown }).polluted).toBeUndefined();
      expect(JSON.stringify(got.metadata)).toBe(JSON.stringify(metadata(key)));
    }
    expect((await kv.list()).keys.map((k) => k.name)).toEqual([...keys].sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    world.sim.run(world.sim.now() + 1000);
    await kv.delete("__proto__");
    world.sim.run(world.sim.now() + 61_000);
    expect(await world.at("NRT").get("__proto__")).toBeNull();
    expect(await world.at("NRT").get("constructor")).toBe("v:constructor");
  });

  it("values: exactly 25 MiB is stored and one byte more fails (413) for strings, buffers and streams", async () => {
    const { world, kv, unchanged } = await seeded();
    await kv.put("big", new Uint8Array(KV_VALUE_SIZE_BYTES_MAX));
    expect(((await kv.get("big", "arrayBuffer")) as ArrayBuffer).byteLength).toBe(KV_VALUE_SIZE_BYTES_MAX);
    await expectEdgeError(kv.put("k", new Uint8Array(KV_VALUE_SIZE_BYTES_MAX + 1)), "KV_VALUE_TOO_LARGE", 413, new RegExp(`${KV_VALUE_SIZE_BYTES_MAX + 1} bytes; the limit is ${KV_VALUE_SIZE_BYTES_MAX}`));
    await expectEdgeError(kv.put("k", new DataView(new ArrayBuffer(KV_VALUE_SIZE_BYTES_MAX + 1))), "KV_VALUE_TOO_LARGE", 413);
    // A string is measured in UTF-8: half the limit in 2-byte characters plus one is one pair too many.
    await expectEdgeError(kv.put("k", "é".repeat(KV_VALUE_SIZE_BYTES_MAX / 2 + 1)), "KV_VALUE_TOO_LARGE", 413);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller): void {
        if (sent++ < 26) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await expectEdgeError(kv.put("k", stream), "KV_VALUE_TOO_LARGE", 413);
    expect(sent).toBeLessThanOrEqual(27); // the stream is cancelled at the limit, not read to the end
    await expectEdgeError(kv.put("k", 42 as unknown as string), "KV_VALUE_INVALID", 400);
    world.sim.run(world.sim.now() + 1000);
    await kv.delete("big");
    await unchanged();
  });

  it("metadata: exactly 1024 bytes of JSON is stored, 1025 fails (413), and non-JSON fails (400)", async () => {
    const { kv, unchanged } = await seeded();
    const fits = { s: "m".repeat(KV_METADATA_SIZE_BYTES_MAX - 8) }; // {"s":"…"} is 8 bytes of syntax
    expect(JSON.stringify(fits)).toHaveLength(1024);
    await expectEdgeError(kv.put("k", "v", { metadata: { s: `${fits.s}m` } }), "KV_METADATA_TOO_LARGE", 413, /1025 bytes serialised; the limit is 1024/);
    // Counted in UTF-8 bytes: 1023 bytes of syntax and ASCII plus one 2-byte character is 1025.
    await expectEdgeError(kv.put("k", "v", { metadata: { s: `${"m".repeat(KV_METADATA_SIZE_BYTES_MAX - 9)}é` } }), "KV_METADATA_TOO_LARGE", 413);
    await expectEdgeError(kv.put("k", "v", { metadata: { n: 1n } }), "KV_METADATA_INVALID", 400);
    await expectEdgeError(kv.put("k", "v", { metadata: () => 1 }), "KV_METADATA_INVALID", 400);
    await unchanged();
    await kv.put("k2", "v", { metadata: fits });
    expect((await kv.getWithMetadata("k2")).metadata).toEqual(fits);
  });

  it("expiration: expirationTtl 60 s and expiration now + 60 s are accepted; 59 s, NaN and 59 s ahead fail", async () => {
    const { world, kv, unchanged } = await seeded();
    expect(KV_EXPIRATION_TTL_SECONDS_MIN).toBe(60);
    const nowSec = world.sim.now() / 1000;
    await expectEdgeError(kv.put("k", "v", { expirationTtl: 59 }), "KV_EXPIRATION_TTL_TOO_SMALL", 400, /expirationTtl is 59; the minimum is 60 seconds/);
    await expectEdgeError(kv.put("k", "v", { expirationTtl: 59.999 }), "KV_EXPIRATION_TTL_TOO_SMALL", 400);
    await expectEdgeError(kv.put("k", "v", { expirationTtl: Number.NaN }), "KV_EXPIRATION_TTL_TOO_SMALL", 400);
    await expectEdgeError(kv.put("k", "v", { expiration: nowSec + 59 }), "KV_EXPIRATION_TOO_SOON", 400);
    await expectEdgeError(kv.put("k", "v", { expiration: Number.POSITIVE_INFINITY }), "KV_EXPIRATION_TOO_SOON", 400);
    await unchanged();
    const t0 = world.sim.now();
    await kv.put("ttl", "v", { expirationTtl: 60 });
    await kv.put("abs", "v", { expiration: Math.floor(t0 / 1000) + 60 });
    world.sim.run(t0 + 59_999);
    expect(await kv.get("ttl", { cacheTtl: 30 })).toBe("v");
    world.sim.run(t0 + 60_000);
    expect(await kv.get("ttl")).toBeNull();
    expect(await kv.get("abs")).toBeNull();
  });

  it("cacheTtl: 30 s is accepted and 29.999 s fails (400), as do unknown get types", async () => {
    const { kv, unchanged } = await seeded();
    expect(KV_CACHE_TTL_SECONDS_MIN).toBe(30);
    expect(await kv.get("k", { cacheTtl: 30 })).toBe("before");
    await expectEdgeError(kv.get("k", { cacheTtl: 29.999 }), "KV_CACHE_TTL_TOO_SMALL", 400, /cacheTtl is 29.999; the minimum is 30 seconds/);
    await expectEdgeError(kv.get("k", { cacheTtl: Number.NaN }), "KV_CACHE_TTL_TOO_SMALL", 400);
    await expectEdgeError(kv.get("k", { type: "blob" as "text" }), "KV_TYPE_INVALID", 400);
    await unchanged();
  });

  it("1 write per second per key, across PoPs: 999 ms later is 429 from any PoP, 1000 ms later is accepted", async () => {
    const { world, kv } = await seeded();
    const t0 = world.sim.now();
    await kv.put("hot", "1");
    world.sim.run(t0 + KV_WRITES_PER_KEY_INTERVAL_MS - 1);
    await expectEdgeError(kv.put("hot", "2"), "KV_RATE_LIMITED", 429, /written 999 ms before this write from LHR/);
    await expectEdgeError(kv.delete("hot"), "KV_RATE_LIMITED", 429);
    // The writes land in one central store, so another PoP is refused too.
    await expectEdgeError(world.at("NRT").put("hot", "from Tokyo"), "KV_RATE_LIMITED", 429, /from NRT/);
    await kv.put("other", "x"); // the limit is per key
    expect(await world.at("NRT").get("hot")).toBe("1");
    world.sim.run(t0 + KV_WRITES_PER_KEY_INTERVAL_MS);
    await world.at("NRT").put("hot", "2");
    expect(await world.at("NRT").get("hot")).toBe("2");
  });

  it("remembers keys only while they matter: cache copies and write times stay bounded under a stream of distinct keys", async () => {
    const world = makeWorld(12, { pops: ["LHR"] });
    const kv = world.at("LHR");
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      await kv.put(`key-${i}`, "v");
      expect(await kv.get(`key-${i}`, { cacheTtl: 30 })).toBe("v");
      world.sim.run(world.sim.now() + 10);
      peak = Math.max(peak, world.store.trackedEntries);
    }
    // 100 writes per second, each installed in the writer's cache for 60 s: ~6,000 copies live
    // at a time, plus at most as many expired ones between sweeps, plus write times of the last
    // second. Remembering every key would be 40,000.
    // Sweeping more often (every operation) would hold ~6,100; never sweeping, 40,000.
    expect(peak).toBeLessThan(14_000);
    expect(peak).toBeGreaterThan(8_000);
    // Forgetting changes no answer: the rate limit still holds and reads still refill.
    await kv.put("again", "1");
    await expectEdgeError(kv.put("again", "2"), "KV_RATE_LIMITED", 429);
    expect(await kv.get("key-0")).toBe("v");
  });

  it("a cache holds at most cacheEntriesMax copies, evicting the oldest fill; an evicted key is read again from further up", async () => {
    const world = makeWorld(13, { pops: ["LHR", "NRT"], cacheEntriesMax: 3 });
    const kv = world.at("NRT");
    for (const key of ["a", "b", "c", "d"]) await world.at("LHR").put(key, `old ${key}`);
    world.sim.run(world.sim.now() + 1000);
    for (const key of ["a", "b", "c", "d"]) expect(await kv.get(key)).toBe(`old ${key}`);
    // NRT and its tier keep b, c, d (a was evicted from both); LHR's writes now change a and d.
    for (const key of ["a", "d"]) await world.at("LHR").put(key, `new ${key}`);
    expect(await kv.get("a")).toBe("new a"); // evicted: read centrally again
    expect(await kv.get("d")).toBe("old d"); // still cached
    expect(world.store.cacheSummary().find((c) => c.location === "NRT" && c.kind === "pop")?.copies).toBe(3);
  });

  it("list: limits 1 and 1000 are accepted, 0, 1001, 1.5 and -1 fail, and only cursors list returned are taken", async () => {
    const { kv, unchanged } = await seeded();
    for (const limit of [0, KV_LIST_LIMIT_MAX + 1, 1.5, -1]) await expectEdgeError(kv.list({ limit }), "KV_LIST_LIMIT_INVALID", 400);
    await expectEdgeError(kv.list({ cursor: "not-a-cursor!" }), "KV_CURSOR_INVALID", 400);
    await expectEdgeError(kv.list({ cursor: "bm9wZQ" }), "KV_CURSOR_INVALID", 400);
    await expectEdgeError(kv.list({ prefix: 7 as unknown as string }), "KV_PREFIX_INVALID", 400);
    expect((await kv.list({ limit: 1 })).keys).toHaveLength(1);
    expect((await kv.list({ cursor: "" })).keys.map((k) => k.name)).toEqual(["k"]); // "" is the first page
    expect((await kv.list({ limit: KV_LIST_LIMIT_MAX })).keys).toHaveLength(1);
    await unchanged();
  });
});
