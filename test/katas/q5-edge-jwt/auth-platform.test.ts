import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64UrlLenient, decodeBase64UrlStrict, encodeBase64Url, parseCompactJws } from "../../../src/auth/index.js";

// The platform pieces (src/auth) that levels 2–5 build on, tested on their own.
describe("src/auth base64url", () => {
  it("round-trips every byte string", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64url"));
        expect(decodeBase64UrlStrict(text)).toEqual(new Uint8Array(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("accepts a string iff it is the canonical encoding of what a lenient decoder reads", () => {
    const chars = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n".split(""));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }).map((a) => a.join("")), (text) => {
        const lenient = new Uint8Array(Buffer.from(text, "base64url"));
        const canonical = Buffer.from(lenient).toString("base64url") === text;
        expect(decodeBase64UrlStrict(text) !== null).toBe(canonical);
      }),
      { numRuns: 2000 },
    );
  });

  it("the lenient decoder maps every spelling a lenient verifier accepts to the same bytes", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat({ max: 15 }), fc.boolean(), (bytes, low, padded) => {
        const text = encodeBase64Url(bytes);
        const padBits = (text.length * 6) % 8;
        const last = alphabet.indexOf(text.at(-1)!);
        let variant = padBits === 0 ? text : text.slice(0, -1) + alphabet[last | (low & ((1 << padBits) - 1))]!;
        if (padded) variant = variant.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (variant.length % 4)) % 4);
        expect(new Uint8Array(Buffer.from(variant, "base64"))).toEqual(new Uint8Array(bytes));
        expect(decodeBase64UrlLenient(variant)).toEqual(new Uint8Array(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("parseCompactJws refuses tokens over the size limit before decoding", () => {
    const seg = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
    const token = `${seg({ alg: "HS256" })}.${seg({ pad: "x".repeat(100) })}.AAAA`;
    expect(parseCompactJws(token, token.length)).not.toBeNull();
    expect(parseCompactJws(token, token.length - 1)).toBeNull();
  });
});
