import type { webcrypto } from "node:crypto";
import fc from "fast-check";
import * as jose from "jose";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { ALGS, type Alg, b64, keyFor, signBytes, signSegments, suiteKeys, unb64 } from "./issuer.js";
import { nonCanonical, outsidersInSignature, SIZE_MAX, SPELLINGS, tokenOfLength, withTellingSignature } from "./malformed.js";

type Verify = (token: string, alg: Alg, key: webcrypto.CryptoKey) => Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> } | null>;

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

/** The header `alg` values a verifier must refuse when it was asked for `alg`, signature valid. */
function wrongAlgs(alg: Alg): unknown[] {
  return ["none", "None", "HS512", alg.toLowerCase(), ` ${alg}`, [alg], null, undefined, ...ALGS.filter((a) => a !== alg)];
}

/** Header or payload bytes that are not one JSON object, each validly signed. */
const NOT_AN_OBJECT: Array<string | Uint8Array> = ["[]", "null", "1", '"x"', "true", "{", "", '{"a":1}x', "[{}]", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])];

/** JSON as other writers spell it: whitespace, key order, escapes, duplicate-free but not JSON.stringify's. */
function spelledJson(alg: Alg, how: number): { header: string; payload: string } {
  const headers = [`{ "alg" : "${alg}" }`, `{"typ":"JWT",\n "alg":"${alg}"}`, `{"\\u0061lg":"${alg}"}`, `{"alg":"${alg}","kid":"k\\u00fc"}\t`];
  const payloads = [`{ "sub" : "a", "n" : 1.0 }`, `{"sub":"\\u00fc\\ud83d\\udd11","n":1e2}`, `{\r\n"sub":"b"\r\n}`, `{"n":[ 1 , 2 ],"sub":"c"}`];
  return { header: headers[how % headers.length]!, payload: payloads[Math.floor(how / headers.length) % payloads.length]! };
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
      name: "rejects every non-canonical spelling (pad bits set, `=`, `+` `/`, whitespace inside, before or after) of every segment of a valid token",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), claims, fc.nat({ max: 255 }), async (alg, payload, salt) => {
            const { token, key } = await issue(alg, {}, payload);
            // Every kind of spelling on every segment, each run: no mistake depends on a lucky draw.
            for (let i = 0; i < SPELLINGS.length * 3; i++) {
              const variant = nonCanonical(token, i + 3 * SPELLINGS.length * (salt % 8));
              if (variant === null || variant === token) continue;
              const out = await verify(variant, alg, key);
              if (out !== null) throw new Error(`accepted a non-canonical spelling of a valid token: ${JSON.stringify(variant)}`);
            }
          }),
          ctx,
          { numRuns: 15 },
        ),
    },
    {
      name: "a character outside the alphabet (non-ASCII, `+`, `/`, `=`, `%`, NUL) in place of any character of the signature is rejected",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), claims, async (alg, payload) => {
            // The signature holds the characters a leaky decoder reads an outsider as (see malformed.ts).
            const key = keyFor(await suiteKeys(), alg).verifyKey;
            const token = await withTellingSignature(async (claims) => (await issue(alg, { typ: "JWT" }, claims)).token, payload);
            for (const forged of outsidersInSignature(token, "all")) {
              const out = await verify(forged, alg, key);
              if (out !== null) throw new Error(`accepted a signature with a character outside the alphabet: ${JSON.stringify(forged)}`);
            }
          }),
          ctx,
          { numRuns: 6 },
        ),
    },
    {
      name: "a key imported for another algorithm verifies nothing: null, never a throw",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), fc.constantFrom(...ALGS), claims, async (alg, keyAlg, payload) => {
            if (keyAlg === alg) return;
            const { token } = await issue(alg, { typ: "JWT" }, payload);
            const other = keyFor(await suiteKeys(), keyAlg).verifyKey;
            let out: unknown;
            try {
              out = await verify(token, alg, other);
            } catch (error) {
              throw new Error(`threw ${String(error)} verifying a valid ${alg} token with a ${keyAlg} key; a key that cannot verify gives null`);
            }
            if (out !== null) throw new Error(`accepted a valid ${alg} token checked with a ${keyAlg} key`);
          }),
          ctx,
          { numRuns: 18 },
        ),
    },
    {
      name: "a segment whose length is 1 more than a multiple of 4 is not base64url, even when the signature is valid over its text",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), fc.boolean(), fc.nat({ max: 2 }), async (alg, inHeader, extra) => {
            const key = keyFor(await suiteKeys(), alg);
            // JSON padded with trailing spaces to a multiple of 3 bytes encodes to a multiple of 4
            // characters; one more zero-valued character ("A") carries no whole byte, so a decoder
            // that drops the leftover bits reads the same JSON, and the signature covers the text.
            const json = (text: string): string => text + " ".repeat((3 - (text.length % 3)) % 3) + " ".repeat(3 * extra);
            const header = b64(new TextEncoder().encode(json(`{"alg":"${alg}"}`)));
            const payload = b64(new TextEncoder().encode(json('{"sub":"s"}')));
            const token = inHeader ? await signSegments(key, `${header}A`, payload) : await signSegments(key, header, `${payload}A`);
            const out = await verify(token, alg, key.verifyKey);
            if (out !== null) throw new Error(`accepted a ${inHeader ? "header" : "payload"} segment of ${(inHeader ? header : payload).length + 1} characters (1 mod 4): ${JSON.stringify(token)}`);
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "verifies over the bytes received: JSON spelled with whitespace, other key orders or escapes is accepted and decoded",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), fc.nat({ max: 15 }), async (alg, how) => {
            const key = keyFor(await suiteKeys(), alg);
            const { header, payload } = spelledJson(alg, how);
            const token = await signBytes(key, header, payload);
            const out = await verify(token, alg, key.verifyKey);
            if (out === null) throw new Error(`rejected a valid ${alg} token whose header is ${JSON.stringify(header)} and payload ${JSON.stringify(payload)} (sign and verify the ASCII of header.payload as received, never a re-encoding)`);
            if (JSON.stringify(out.payload) !== JSON.stringify(JSON.parse(payload))) throw new Error(`payload ${JSON.stringify(out.payload)} != ${payload}`);
          }),
          ctx,
          { numRuns: 24 },
        ),
    },
    {
      name: "the header's alg must equal the alg asked for: a valid signature under `none`, `HS512`, `hs256`, [alg], no alg or another alg is rejected",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), fc.nat(), async (alg, pick) => {
            const key = keyFor(await suiteKeys(), alg);
            const options = wrongAlgs(alg);
            const wrong = options[pick % options.length];
            const header = JSON.stringify(wrong === undefined ? { typ: "JWT" } : { alg: wrong, typ: "JWT" });
            const token = await signBytes(key, header, '{"sub":"mallory"}');
            const out = await verify(token, alg, key.verifyKey);
            if (out !== null) throw new Error(`asked for ${alg}, accepted a token whose header is ${header} (signed by the right key)`);
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "a validly signed header or payload that is not one JSON object (array, null, number, string, broken JSON, bad UTF-8, empty) gives null and never throws",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), fc.constantFrom(...NOT_AN_OBJECT), fc.boolean(), async (alg, junk, inHeader) => {
            const key = keyFor(await suiteKeys(), alg);
            const token = inHeader ? await signBytes(key, junk, '{"sub":"s"}') : await signBytes(key, `{"alg":"${alg}"}`, junk);
            let out: unknown;
            try {
              out = await verify(token, alg, key.verifyKey);
            } catch (error) {
              throw new Error(`threw ${String(error)} on a token whose ${inHeader ? "header" : "payload"} is ${JSON.stringify(typeof junk === "string" ? junk : [...junk])}; bad input must give null`);
            }
            if (out !== null) throw new Error(`accepted a token whose ${inHeader ? "header" : "payload"} is ${JSON.stringify(typeof junk === "string" ? junk : [...junk])}`);
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "exactly three segments: 2, 4 or 5 segments, empty segments and stray dots are rejected, however short the token",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ALGS), fc.constantFrom("h.p", "h.p.s.", "h.p.s.s", "h.p.s.x", "h.p.s.s.s", ".h.p.s", "h..p.s", "h.p..s", "", ".", "..", "h.p.", ".p.s", "h..s"), async (alg, shape) => {
            const key = keyFor(await suiteKeys(), alg);
            const [h, p, sig] = (await signBytes(key, `{"alg":"${alg}"}`, '{"sub":"s"}')).split(".") as [string, string, string];
            const token = shape.replace(/[hpsx]/g, (c) => (c === "h" ? h : c === "p" ? p : c === "s" ? sig : "e30"));
            const out = await verify(token, alg, key.verifyKey);
            if (out !== null) throw new Error(`accepted ${JSON.stringify(shape)}-shaped token ${token}`);
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "accepts a token iff it is at most 8 KiB: exactly 8192 characters passes, 8193 does not",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.oneof(fc.constantFrom(SIZE_MAX - 1, SIZE_MAX, SIZE_MAX, SIZE_MAX + 1, SIZE_MAX + 1), fc.integer({ min: SIZE_MAX - 40, max: SIZE_MAX + 40 })), async (length) => {
            const key = keyFor(await suiteKeys(), "HS256");
            const token = await tokenOfLength(key, length);
            if (token === null || token.length !== length) throw new Error(`suite bug: no token of ${length} characters`);
            const out = await verify(token, "HS256", key.verifyKey);
            const expected = length <= SIZE_MAX;
            if ((out !== null) !== expected) throw new Error(`${length}-character token: expected ${expected ? "accept" : "reject"}, got ${out !== null ? "accept" : "reject"}`);
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
  ],
});
