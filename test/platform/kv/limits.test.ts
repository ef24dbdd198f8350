import { describe, expect, it } from "vitest";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { KV_METADATA_SIZE_BYTES_MAX, KV_VALUE_SIZE_BYTES_MAX } from "../../../src/kv/index.js";
import { makeWorld, type World } from "./world.js";

async function expectEdgeError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgeError);
  expect((error as EdgeError).code).toBe(code);
  expect((error as EdgeError).status).toBe(status);
}

/** A namespace holding key "k" = "before"; every rejected call must leave exactly that. */
async function seeded(): Promise<{ world: World; kv: KvNamespaceApi; unchanged(): Promise<void> }> {
  const world = makeWorld(11, { pops: ["LHR", "NRT"] });
  const kv = world.at("LHR");
  await kv.put("k", "before");
  world.sim.run(world.sim.now() + 1000);
  const unchanged = async (): Promise<void> => {
    world.sim.run(world.sim.now() + 120_000); // let any stray propagation land
    expect(await kv.get("k")).toBe("before");
    expect(await world.at("NRT").get("k")).toBe("before");
    expect((await kv.list()).keys.map((k) => k.name)).toEqual(["k"]);
  };
  return { world, kv, unchanged };
}

describe("KV limits: each gives a typed error and stores nothing", () => {
  it("rejects keys over 512 UTF-8 bytes with 414, counting bytes rather than characters", async () => {
    const { world, kv, unchanged } = await seeded();
    await kv.put("x".repeat(512), "ok");
    await expectEdgeError(kv.put("x".repeat(513), "v"), "KV_KEY_TOO_LARGE", 414);
    await expectEdgeError(kv.put("é".repeat(257), "v"), "KV_KEY_TOO_LARGE", 414); // 257 chars, 514 bytes
    await expectEdgeError(kv.get("é".repeat(257)), "KV_KEY_TOO_LARGE", 414);
    world.sim.run(world.sim.now() + 1000);
    await kv.delete("x".repeat(512));
    await unchanged();
  });

  it("rejects the empty key, '.' and '..'", async () => {
    const { kv, unchanged } = await seeded();
    await expectEdgeError(kv.put("", "v"), "KV_KEY_EMPTY", 400);
    await expectEdgeError(kv.put(".", "v"), "KV_KEY_INVALID", 400);
    await expectEdgeError(kv.delete(".."), "KV_KEY_INVALID", 400);
    await unchanged();
  });

  it("rejects values over 25 MiB with 413, for strings, buffers and streams", async () => {
    const { kv, unchanged } = await seeded();
    await expectEdgeError(kv.put("k", new Uint8Array(KV_VALUE_SIZE_BYTES_MAX + 1)), "KV_VALUE_TOO_LARGE", 413);
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
    await unchanged();
  });

  it("rejects metadata over 1024 bytes serialised, and metadata that is not JSON", async () => {
    const { kv, unchanged } = await seeded();
    const fits = { s: "m".repeat(KV_METADATA_SIZE_BYTES_MAX - 8) }; // {"s":"…"} is 8 bytes of syntax
    await expectEdgeError(kv.put("k", "v", { metadata: { s: fits.s + "m" } }), "KV_METADATA_TOO_LARGE", 413);
    await expectEdgeError(kv.put("k", "v", { metadata: { n: 1n } }), "KV_METADATA_INVALID", 400);
    await unchanged();
    await kv.put("k2", "v", { metadata: fits });
    expect((await kv.getWithMetadata("k2")).metadata).toEqual(fits);
  });

  it("rejects expirationTtl under 60 s and expiration less than 60 s ahead", async () => {
    const { world, kv, unchanged } = await seeded();
    const nowSec = world.sim.now() / 1000;
    await expectEdgeError(kv.put("k", "v", { expirationTtl: 59 }), "KV_EXPIRATION_TTL_TOO_SMALL", 400);
    await expectEdgeError(kv.put("k", "v", { expiration: nowSec + 59 }), "KV_EXPIRATION_TOO_SOON", 400);
    await unchanged();
  });

  it("rejects cacheTtl under 30 s and unknown get types", async () => {
    const { kv, unchanged } = await seeded();
    await expectEdgeError(kv.get("k", { cacheTtl: 29 }), "KV_CACHE_TTL_TOO_SMALL", 400);
    await expectEdgeError(kv.get("k", { type: "blob" as "text" }), "KV_TYPE_INVALID", 400);
    await unchanged();
  });

  it("allows one write per second per key: the second gets 429, and one second later it is accepted", async () => {
    const { world, kv } = await seeded();
    await kv.put("hot", "1");
    world.sim.run(world.sim.now() + 999);
    await expectEdgeError(kv.put("hot", "2"), "KV_RATE_LIMITED", 429);
    await expectEdgeError(kv.delete("hot"), "KV_RATE_LIMITED", 429);
    expect(await kv.get("hot")).toBe("1");
    await kv.put("other", "x"); // the limit is per key
    world.sim.run(world.sim.now() + 1);
    await kv.put("hot", "2");
    expect(await kv.get("hot")).toBe("2");
  });

  it("remembers keys only while they matter: memory stays bounded under a stream of distinct keys", async () => {
    const world = makeWorld(12, { pops: ["LHR"] });
    const kv = world.at("LHR");
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      await kv.put(`key-${i}`, "v");
      expect(await kv.get(`key-${i}`, { cacheTtl: 30 })).toBe("v");
      world.sim.run(world.sim.now() + 10);
      peak = Math.max(peak, world.store.trackedEntries);
    }
    // 100 writes per second, each cached by its writer for 60 s: ~6,000 entries alive at a time,
    // plus at most as many expired ones between two sweeps. Remembering every key would be 40,000.
    expect(peak).toBeLessThan(14_000);
    // Forgetting a key changes no answer: the rate limit still holds and reads still refill.
    await kv.put("again", "1");
    await expectEdgeError(kv.put("again", "2"), "KV_RATE_LIMITED", 429);
    expect(await kv.get("key-0")).toBe("v");
  });

  it("accepts list limits from 1 to 1000 only, and only cursors that list returned", async () => {
    const { kv, unchanged } = await seeded();
    for (const limit of [0, 1001, 1.5, -1]) await expectEdgeError(kv.list({ limit }), "KV_LIST_LIMIT_INVALID", 400);
    await expectEdgeError(kv.list({ cursor: "not-a-cursor!" }), "KV_CURSOR_INVALID", 400);
    await expectEdgeError(kv.list({ cursor: "bm9wZQ" }), "KV_CURSOR_INVALID", 400);
    expect((await kv.list({ limit: 1 })).keys).toHaveLength(1);
    await unchanged();
  });
});
