import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../../src/core/bytes.js";

describe("concatBytes", () => {
  it("joins chunks in order into a fresh array whose buffer holds exactly those bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }), fc.boolean(), (chunks, counted) => {
        const total = chunks.reduce((n, c) => n + c.byteLength, 0);
        const joined = concatBytes(chunks, counted ? total : undefined);
        expect([...joined]).toEqual(chunks.flatMap((c) => [...c]));
        expect(joined.buffer.byteLength).toBe(total);
        if (chunks[0] !== undefined && chunks[0].byteLength > 0) expect(joined.buffer).not.toBe(chunks[0].buffer);
      }),
    );
  });

  it("copies a view's own bytes, not the rest of its buffer", () => {
    const backing = Uint8Array.from([9, 1, 2, 9, 3, 9]);
    expect([...concatBytes([backing.subarray(1, 3), backing.subarray(4, 5)])]).toEqual([1, 2, 3]);
  });
});
