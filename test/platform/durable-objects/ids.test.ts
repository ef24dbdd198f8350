import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EdgeError } from "../../../src/core/errors.js";
import { makeWorld } from "./world.js";

const noop = (): Record<string, unknown> => ({});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof EdgeError ? `${error.code} ${error.status}` : String(error);
  }
  return undefined;
}

describe("Durable Object ids", () => {
  it("idFromName: same namespace and name give the same 64-hex id; it round-trips through idFromString", () => {
    const { runtime } = makeWorld();
    const ns = runtime.namespace("ROOMS", noop);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (name) => {
        const a = ns.idFromName(name);
        expect(a.toString()).toMatch(/^[0-9a-f]{64}$/);
        expect(ns.idFromName(name).equals(a)).toBe(true);
        expect(a.name).toBe(name);
        expect(ns.idFromString(a.toString()).equals(a)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("idFromName: different names, or the same name in another namespace, give different ids", () => {
    const { runtime } = makeWorld();
    const rooms = runtime.namespace("ROOMS", noop);
    const users = runtime.namespace("USERS", noop);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(rooms.idFromName(a).equals(rooms.idFromName(b))).toBe(false);
        expect(rooms.idFromName(a).equals(users.idFromName(a))).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("newUniqueId: distinct ids, and the same seed replays the same sequence", () => {
    const ids = (seed: number): string[] => {
      const ns = makeWorld({ seed }).runtime.namespace("ROOMS", noop);
      return Array.from({ length: 200 }, () => ns.newUniqueId().toString());
    };
    const first = ids(7);
    expect(new Set(first).size).toBe(200);
    expect(ids(7)).toEqual(first);
    expect(ids(8)).not.toEqual(first);
  });

  it("idFromString: rejects wrong length, non-hex and ids of another namespace with DO_INVALID_ID 400", () => {
    const { runtime } = makeWorld();
    const rooms = runtime.namespace("ROOMS", noop);
    const users = runtime.namespace("USERS", noop);
    const good = rooms.newUniqueId().toString();
    expect(codeOf(() => rooms.idFromString(good))).toBeUndefined();
    expect(codeOf(() => rooms.idFromString(good.slice(1)))).toBe("DO_INVALID_ID 400");
    expect(codeOf(() => rooms.idFromString(`${good}0`))).toBe("DO_INVALID_ID 400");
    expect(codeOf(() => rooms.idFromString(`g${good.slice(1)}`))).toBe("DO_INVALID_ID 400");
    expect(codeOf(() => rooms.idFromString(""))).toBe("DO_INVALID_ID 400");
    expect(codeOf(() => users.idFromString(good))).toBe("DO_INVALID_ID 400");
    // A stub for another namespace's id is refused too, so one binding cannot reach another's objects.
    expect(codeOf(() => users.forPop("LHR").get(rooms.idFromName("x")))).toBe("DO_INVALID_ID 400");
  });

  it("idFromString: any random 64-hex string is rejected unless this namespace minted it", () => {
    const { runtime } = makeWorld();
    const rooms = runtime.namespace("ROOMS", noop);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), (hex) => {
        expect(codeOf(() => rooms.idFromString(hex))).toBe("DO_INVALID_ID 400");
      }),
      { numRuns: 50 },
    );
  });
});
