import { describe, expect, it } from "vitest";
import { EdgeError } from "../../../src/core/errors.js";
import { KvNamespaceAtPop, KvStore } from "../../../src/kv/index.js";
import { Rng, WallClock } from "../../../src/sim/index.js";
import { makeWorld } from "./world.js";

describe("KV get and put follow Cloudflare's API", () => {
  it("get returns text by default, and json, arrayBuffer or stream on request (also as a shorthand)", async () => {
    const kv = makeWorld(1, { pops: ["LHR"] }).at("LHR");
    await kv.put("doc", JSON.stringify({ a: [1, 2] }));
    expect(await kv.get("doc")).toBe('{"a":[1,2]}');
    expect(await kv.get("doc", "json")).toEqual({ a: [1, 2] });
    expect(await kv.get("doc", { type: "json" })).toEqual({ a: [1, 2] });
    const buffer = (await kv.get("doc", "arrayBuffer")) as ArrayBuffer;
    expect(new TextDecoder().decode(buffer)).toBe('{"a":[1,2]}');
    const stream = (await kv.get("doc", { type: "stream" })) as ReadableStream<Uint8Array>;
    expect(await new Response(stream).text()).toBe('{"a":[1,2]}');
    expect(await kv.get("missing")).toBeNull();
  });

  it("stores bytes from buffers, views and streams, and hands out copies", async () => {
    const kv = makeWorld(1, { pops: ["LHR"] }).at("LHR");
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await kv.put("buf", bytes.buffer);
    await kv.put("view", new DataView(bytes.buffer, 1, 2));
    await kv.put("stream", new Blob([bytes]).stream());
    bytes[0] = 9; // mutating the caller's buffer must not change what was stored
    expect([...new Uint8Array((await kv.get("buf", "arrayBuffer")) as ArrayBuffer)]).toEqual([0, 1, 2, 255]);
    expect([...new Uint8Array((await kv.get("view", "arrayBuffer")) as ArrayBuffer)]).toEqual([1, 2]);
    expect([...new Uint8Array((await kv.get("stream", "arrayBuffer")) as ArrayBuffer)]).toEqual([0, 1, 2, 255]);
  });

  it("getWithMetadata returns the metadata, and null for both when the key is missing", async () => {
    const kv = makeWorld(1, { pops: ["LHR"] }).at("LHR");
    await kv.put("k", "v", { metadata: { tag: 1 } });
    expect(await kv.getWithMetadata("k")).toEqual({ value: "v", metadata: { tag: 1 }, cacheStatus: null });
    await kv.put("plain", "v");
    expect(await kv.getWithMetadata("plain")).toEqual({ value: "v", metadata: null, cacheStatus: null });
    expect(await kv.getWithMetadata("none")).toEqual({ value: null, metadata: null, cacheStatus: null });
  });

  it("get json on a value that is not JSON fails with a typed error", async () => {
    const kv = makeWorld(1, { pops: ["LHR"] }).at("LHR");
    await kv.put("k", "not json");
    await expect(kv.get("k", "json")).rejects.toMatchObject({ code: "KV_VALUE_NOT_JSON" });
  });

  it("reads null from the expiration second on, at every PoP, even from a fresh cache", async () => {
    const world = makeWorld(5);
    const nowSec = world.sim.now() / 1000;
    await world.at("LHR").put("k", "v", { expiration: nowSec + 120 });
    world.sim.run(world.sim.now() + 90_000);
    expect(await world.at("SYD").get("k")).toBe("v"); // cached at SYD for 60 s from here
    world.sim.run((nowSec + 120) * 1000 - 1);
    expect(await world.at("SYD").get("k")).toBe("v");
    world.sim.run((nowSec + 120) * 1000);
    expect(await world.at("SYD").get("k")).toBeNull();
    expect(await world.at("LHR").get("k")).toBeNull();
  });

  it("keeps namespaces apart and refuses PoPs the store does not have", async () => {
    const world = makeWorld(1);
    await world.at("LHR").put("k", "in TEST_NS");
    expect(await world.store.namespace("OTHER").atPop("LHR").get("k")).toBeNull();
    expect((await world.store.namespace("OTHER").atPop("LHR").list()).keys).toEqual([]);
    expect(() => world.store.namespace("OTHER").atPop("XXX")).toThrow(EdgeError);
    expect(() => world.store.namespace("OTHER").atPop("XXX")).toThrow(/"XXX" is not one of this store's 5 PoPs/);
  });

  it("answers a read in the same turn (getWithMetadataNow), exactly as the async read", async () => {
    const kv = makeWorld(1, { pops: ["LHR"] }).at("LHR") as KvNamespaceAtPop;
    await kv.put("k", '{"a":1}', { metadata: { m: true } });
    expect(kv.getWithMetadataNow("k", "json")).toEqual({ value: { a: 1 }, metadata: { m: true }, cacheStatus: null });
    expect(kv.getWithMetadataNow("k", { type: "text", cacheTtl: 30 })).toEqual(await kv.getWithMetadata("k", { type: "text", cacheTtl: 30 }));
    expect(kv.getWithMetadataNow("missing")).toEqual({ value: null, metadata: null, cacheStatus: null });
    expect(() => kv.getWithMetadataNow("k", { cacheTtl: 29 })).toThrow(expect.objectContaining({ code: "KV_CACHE_TTL_TOO_SMALL" }));
  });

  it("runs on the wall clock: nothing is scheduled, so a store needs no timers and holds no process open", async () => {
    const store = new KvStore({ clock: new WallClock(), rng: new Rng(1), pops: ["LHR", "NRT"], ownWriteMissProbability: 0 });
    const ns = store.namespace("N");
    await ns.atPop("LHR").put("k", "v");
    expect(await ns.atPop("LHR").get("k")).toBe("v");
    expect(await ns.atPop("NRT").get("k")).toBe("v"); // NRT had no copy: a cold read finds the central value
    expect(store.readsBy).toEqual({ pop: 1, tier: 0, central: 1 });
  });
});
