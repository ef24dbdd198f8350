import type { webcrypto } from "node:crypto";
import fc from "fast-check";
import * as jose from "jose";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { ALGS, type Alg, b64, keyFor, signRaw, suiteKeys, unb64 } from "./issuer.js";

type Verify = (token: string, alg: Alg, key: webcrypto.CryptoKey) => Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> } | null>;

const SIZE_MAX = 8192;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Claims with awkward values: unicode, nested objects, big and negative numbers. */
const claims = fc.record(
  {
    sub: fc.string({ unit: "grapheme", maxLength: 12 }),
    iat: fc.integer({ min: 0, max: 2 ** 31 }),
    roles: fc.array(fc.constantFrom("admin", "reader", "ü", "🔑"), { maxLength: 3 }),
    meta: fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
  },
  { requiredKeys: ["sub"] },
);
const extraHeader = fc.record({ kid: fc.string({ maxLength: 8 }), typ: fc.constantFrom("JWT", "at+jwt") }, { requiredKeys: [] });

async function issue(alg: Alg, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<{ token: string; key: webcrypto.CryptoKey }> {
  const key = keyFor(await suiteKeys(), alg);
  const token = await new jose.SignJWT(payload).setProtectedHeader({ ...header, alg }).sign(key.signKey);
  return { token, key: key.verifyKey };
}

/** A change to the decoded bytes of one segment, or to its JSON (which keeps it parseable). */
const tamper = fc.record({
  segment: fc.constantFrom(0, 1, 2),
  kind: fc.constantFrom("json-field", "json-field", "flip-bit", "append-byte", "drop-byte"),
  at: fc.nat(),
  bit: fc.integer({ min: 0, max: 7 }),
});

function applyTamper(token: string, t: { segment: number; kind: string; at: number; bit: number }): string {
  const parts = token.split(".");
  let bytes = unb64(parts[t.segment]!);
  if (t.kind === "json-field" && t.segment < 2) {
    const obj = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
    obj[`x${t.at % 3}`] = t.bit;
    bytes = new Uint8Array(Buffer.from(JSON.stringify(obj)));
  } else if (t.kind === "append-byte") {
    bytes = new Uint8Array([...bytes, t.at % 256]);
  } else if (t.kind === "drop-byte" && bytes.length > 0) {
    bytes = bytes.slice(0, -1);
  } else {
    bytes = new Uint8Array(bytes);
    const i = t.at % bytes.length;
    bytes[i] = bytes[i]! ^ (1 << t.bit);
  }
  parts[t.segment] = b64(bytes);
  return parts.join(".");
}

/** Same decoded bytes under a lenient decoder, different string: non-canonical pad bits etc. */
function nonCanonical(token: string, how: number): string | null {
  const parts = token.split(".");
  const segIndex = [2, 0, 1][how % 3]!;
  const seg = parts[segIndex]!;
  const kind = Math.floor(how / 3) % 4;
  if (kind === 0 || kind === 1) {
    const padBits = (seg.length * 6) % 8;
    if (padBits === 0) return null;
    const last = ALPHABET.indexOf(seg.at(-1)!);
    const variant = (last & ~((1 << padBits) - 1)) | (1 + ((how >> 4) % ((1 << padBits) - 1)));
    parts[segIndex] = seg.slice(0, -1) + ALPHABET[variant]!;
  } else if (kind === 2) {
    parts[segIndex] = seg + "=".repeat(4 - (seg.length % 4 || 4) || 1);
  } else {
    parts[segIndex] = seg.slice(0, 4) + "\n" + seg.slice(4);
  }
  return parts.join(".");
}

export const suite = defineLevel<Verify>({
  kata: "q5-edge-jwt",
  level: 1,
  load: (m) => requireExport<Verify>(m, "verifyJws"),
  probe: async (verify) => {
    const { token, key } = await issue("HS256", {}, { sub: "probe" });
    return verify(token, "HS256", key);
  },
  properties: [
    {
      name: "accepts every token jose signs (HS256, RS256, ES256) and returns its header and claims",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), extraHeader, claims, async (alg, header, payload) => {
            const { token, key } = await issue(alg, header, payload);
            const out = await verify(token, alg, key);
            if (out === null) throw new Error(`rejected a valid ${alg} token ${token}`);
            if (JSON.stringify(out.payload) !== JSON.stringify(payload)) throw new Error(`payload ${JSON.stringify(out.payload)} != signed ${JSON.stringify(payload)}`);
            if (out.header.alg !== alg) throw new Error(`header.alg ${String(out.header.alg)} != ${alg}`);
          }),
          ctx,
          { numRuns: 45 },
        ),
    },
    {
      name: "rejects any change to the decoded header, payload or signature bytes",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), claims, tamper, async (alg, payload, t) => {
            const { token, key } = await issue(alg, { typ: "JWT" }, payload);
            const forged = applyTamper(token, t);
            if (forged === token) return;
            const out = await verify(forged, alg, key);
            if (out !== null) throw new Error(`accepted a tampered token (${t.kind} in segment ${t.segment}): ${forged}`);
          }),
          ctx,
          { numRuns: 90 },
        ),
    },
    {
      name: "rejects non-canonical base64url (pad bits set, `=` padding, whitespace) that a lenient decoder maps to the signed bytes",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), claims, fc.nat({ max: 255 }), async (alg, payload, how) => {
            const { token, key } = await issue(alg, {}, payload);
            const variant = nonCanonical(token, how);
            if (variant === null || variant === token) return;
            const out = await verify(variant, alg, key);
            if (out !== null) throw new Error(`accepted a non-canonical spelling of a valid token: ${variant}`);
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "rejects a wrong segment count, and accepts a token iff it is at most 8 KiB",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.integer({ min: SIZE_MAX - 40, max: SIZE_MAX + 40 }), fc.constantFrom(2, 3, 4, 5), async (target, segments) => {
            const keys = await suiteKeys();
            const key = keyFor(keys, "HS256");
            const base = await signRaw(key, {}, { sub: "s", pad: "" });
            const fill = Math.max(0, Math.floor(((target - base.length) * 3) / 4));
            let token = await signRaw(key, {}, { sub: "s", pad: "p".repeat(fill) });
            const parts = token.split(".");
            if (segments === 2) token = `${parts[0]}.${parts[1]}`;
            if (segments === 4) token = `${token}.${parts[2]}`;
            if (segments === 5) token = `${token}.${parts[2]}.${parts[2]}`;
            const out = await verify(token, "HS256", key.verifyKey);
            const expected = segments === 3 && token.length <= SIZE_MAX;
            if ((out !== null) !== expected) {
              throw new Error(`${segments} segments, ${token.length} chars: expected ${expected ? "accept" : "reject"}, got ${out !== null ? "accept" : "reject"}`);
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
  ],
});
