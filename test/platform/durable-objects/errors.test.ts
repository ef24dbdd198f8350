import { describe, expect, it } from "vitest";
import type { DurableObjectStateApi, DurableObjectStorageApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { DO_BATCH_KEYS_MAX, DO_KEY_SIZE_BYTES_MAX, DO_VALUE_SIZE_BYTES_MAX } from "../../../src/durable-objects/index.js";
import { makeWorld } from "./world.js";

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof EdgeError)) return `not an EdgeError: ${String(error)}`;
  return `${error.code} ${error.status}`;
}

async function objectStorage(): Promise<{ storage: DurableObjectStorageApi; world: ReturnType<typeof makeWorld> }> {
  const world = makeWorld();
  let state: DurableObjectStateApi | undefined;
  const ns = world.runtime.namespace("ERR", (s) => {
    state = s;
    return { async ping(): Promise<string> { return "pong"; } };
  });
  const woken = ns.forPop("LHR").get(ns.idFromName("e")).call("ping");
  await world.sim.runAsync();
  await woken;
  return { storage: (state as DurableObjectStateApi).storage, world };
}

describe("bad input gets typed errors and stores nothing", () => {
  it("values that cannot be structured-cloned: functions, symbols, undefined", async () => {
    const { storage } = await objectStorage();
    expect(await rejection(storage.put("f", () => 1))).toBe("DO_VALUE_NOT_SERIALIZABLE 400");
    expect(await rejection(storage.put("s", Symbol("x")))).toBe("DO_VALUE_NOT_SERIALIZABLE 400");
    expect(await rejection(storage.put("nested", { ok: 1, bad: { fn: (): void => undefined } }))).toBe("DO_VALUE_NOT_SERIALIZABLE 400");
    expect(await rejection(storage.put("u", undefined))).toBe("DO_VALUE_NOT_SERIALIZABLE 400");
    expect(await rejection(storage.put({ good: 1, bad: Symbol("y") }))).toBe("DO_VALUE_NOT_SERIALIZABLE 400");
    expect((await storage.list()).size).toBe(0);
  });

  it("values are stored as structured clones: Maps, Dates and typed arrays survive, later mutation does not leak in", async () => {
    const { storage } = await objectStorage();
    const value = { when: new Date(5), seen: new Map([["a", 1]]), bytes: new Uint8Array([1, 2, 3]) };
    await storage.put("v", value);
    value.seen.set("b", 2);
    expect(await storage.get("v")).toEqual({ when: new Date(5), seen: new Map([["a", 1]]), bytes: new Uint8Array([1, 2, 3]) });
  });

  it("size limits: key bytes, serialised value bytes, keys per batch (Cloudflare's figures)", async () => {
    const { storage } = await objectStorage();
    await storage.put("k".repeat(DO_KEY_SIZE_BYTES_MAX), 1);
    expect(await rejection(storage.put("k".repeat(DO_KEY_SIZE_BYTES_MAX + 1), 1))).toBe("DO_KEY_TOO_LARGE 414");
    // "é" is two bytes in UTF-8, so 1025 of them exceed 2048 bytes with only 1025 characters.
    expect(await rejection(storage.get("é".repeat(1025)))).toBe("DO_KEY_TOO_LARGE 414");
    expect(await rejection(storage.put("big", new Uint8Array(DO_VALUE_SIZE_BYTES_MAX)))).toBe("DO_VALUE_TOO_LARGE 413");
    await storage.put("fits", new Uint8Array(DO_VALUE_SIZE_BYTES_MAX - 16));
    const tooMany = Object.fromEntries(Array.from({ length: DO_BATCH_KEYS_MAX + 1 }, (_, i) => [`k${i}`, i]));
    expect(await rejection(storage.put(tooMany))).toBe("DO_TOO_MANY_KEYS 400");
    expect(await rejection(storage.get(Object.keys(tooMany)))).toBe("DO_TOO_MANY_KEYS 400");
    expect(await rejection(storage.delete(Object.keys(tooMany)))).toBe("DO_TOO_MANY_KEYS 400");
    expect(await storage.get("k0")).toBeUndefined();
    expect(await rejection(storage.put("\uD800lone", 1))).toBe("DO_KEY_INVALID 400");
  });

  it("list options and alarm times are validated", async () => {
    const { storage } = await objectStorage();
    expect(await rejection(storage.list({ start: "a", startAfter: "b" }))).toBe("DO_INVALID_LIST_OPTIONS 400");
    expect(await rejection(storage.list({ limit: 0 }))).toBe("DO_INVALID_LIST_OPTIONS 400");
    expect(await rejection(storage.list({ limit: 1.5 }))).toBe("DO_INVALID_LIST_OPTIONS 400");
    expect(await rejection(storage.setAlarm(Number.NaN))).toBe("DO_INVALID_ALARM 400");
    expect(await rejection(storage.setAlarm(new Date("not a date")))).toBe("DO_INVALID_ALARM 400");
    expect(await storage.getAlarm()).toBeNull();
  });

  it("RPC: unknown methods and unclonable arguments are refused; the object keeps serving", async () => {
    const { sim, runtime } = makeWorld();
    const ns = runtime.namespace("RPC", () => ({ async double(n: number): Promise<number> { return 2 * n; } })).forPop("LHR");
    const stub = ns.get(ns.idFromName("r"));
    const results = Promise.all([
      rejection(stub.call("triple", 1)),
      rejection(stub.call("toString")),
      rejection(stub.call("double", () => 1)),
      stub.call("double", 21),
    ]);
    await sim.runAsync();
    expect(await results).toEqual(["DO_METHOD_NOT_FOUND 404", "DO_METHOD_NOT_FOUND 404", "DO_VALUE_NOT_SERIALIZABLE 400", 42]);
  });

  it("a constructor that throws fails the waiting requests with DO_CONSTRUCTOR_FAILED; the next request retries", async () => {
    const { sim, runtime } = makeWorld();
    let attempts = 0;
    const ns = runtime
      .namespace("FLAKY", () => {
        if (++attempts === 1) throw new Error("config missing");
        return { async ping(): Promise<string> { return "pong"; } };
      })
      .forPop("LHR");
    const stub = ns.get(ns.idFromName("f"));
    const first = rejection(stub.call("ping"));
    await sim.runAsync();
    expect(await first).toBe("DO_CONSTRUCTOR_FAILED 500");
    const second = stub.call("ping");
    await sim.runAsync();
    expect(await second).toBe("pong");
  });

  it("unknown PoPs, fetch without a handler, and jurisdictions are typed errors", async () => {
    const { sim, runtime } = makeWorld();
    const ns = runtime.namespace("NOFETCH", () => ({}));
    expect(() => ns.forPop("XXX")).toThrow(EdgeError);
    expect(() => ns.newUniqueId({ jurisdiction: "eu" })).toThrow(expect.objectContaining({ code: "DO_JURISDICTION_UNSUPPORTED" }));
    expect(() => ns.get(ns.idFromName("a"))).toThrow(expect.objectContaining({ code: "DO_CALLER_POP_REQUIRED" }));
    expect(() => runtime.markRegionUnhealthy("Atlantis")).toThrow(expect.objectContaining({ code: "DO_UNKNOWN_POP" }));
    const response = rejection(ns.get(ns.idFromName("a"), { pop: "LHR" }).fetch(new Request("http://do/")));
    await sim.runAsync();
    expect(await response).toBe("DO_NO_HANDLER 501");
  });
});
