import { createHash as nodeCreateHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createHash } from "../../book/live/shims/node-crypto.js";
import { deserialize, serialize } from "../../book/live/shims/node-v8.js";

// The live figures run src/ in the browser on these stand-ins; they must agree with Node's.
describe("the live figures' browser shims", () => {
  it("createHash('sha256') gives Node's digest, chained updates and non-ASCII included", () => {
    for (const parts of [[""], ["do-id-name\u0000", "LIMITER", "\u0000", "api-key"], ["__proto__", "constructor"], ["ünïcødé ✓ 🚀"], ["a".repeat(1000)]]) {
      const ours = parts.reduce((h, p) => h.update(p), createHash("sha256")).digest();
      const node = parts.reduce((h, p) => h.update(p), nodeCreateHash("sha256")).digest();
      expect(Buffer.from(ours).toString("hex"), JSON.stringify(parts)).toBe(node.toString("hex"));
    }
    expect(Buffer.from(createHash("sha256").update(new Uint8Array([0, 255, 1])).digest()).toString("hex")).toBe(nodeCreateHash("sha256").update(new Uint8Array([0, 255, 1])).digest("hex"));
    expect(() => createHash("md5")).toThrow(/sha256 only/);
  });

  it("serialize round-trips plain records and refuses what JSON would change or V8 would refuse", () => {
    const record = { window: 3, total: 10_001, nested: { list: [1, "x", null, true] }, "__proto__x": 1 };
    expect(deserialize(serialize(record))).toEqual(record);
    for (const bad of [new Map([[1, 2]]), new Date(0), { f: () => 1 }, [undefined], 1n]) expect(() => serialize(bad), String(bad)).toThrow();
  });
});
