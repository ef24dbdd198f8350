// Web Crypto inside an isolate, every algorithm Workers offers, cross-checked against Node on
// the host (what the isolate signs, encrypts or derives, Node verifies, decrypts or derives the
// same), then a real consumer unmodified: jose, bundled into a worker, signs and verifies every
// JWS algorithm and encrypts and decrypts JWE. Key handles from the isolate are checked like
// body stream handles: forged, released and foreign ones are refused.
import { createHash, createHmac, generateKeyPairSync, hkdfSync, pbkdf2Sync, webcrypto } from "node:crypto";
import { build } from "esbuild";
import fc from "fast-check";
import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { resolveWorkerConfig } from "../../../src/workers/config.js";
import { HostBridge } from "../../../src/workers/host-bridge.js";
import { Worker } from "../../../src/workers/index.js";
import { disposeWorkers, inWorker, json } from "./in-worker.js";

afterAll(disposeWorkers);

const subtle = webcrypto.subtle;
const b64 = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString("base64");
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
const HELPERS = `const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const toB64 = (buffer) => { let s = ""; for (const b of new Uint8Array(buffer)) s += String.fromCharCode(b); return btoa(s); };
const s = crypto.subtle;`;

describe("WebCrypto, cross-checked with Node on the host", () => {
  it("signatures made in the isolate verify on the host, and the host's verify in the isolate (ECDSA, Ed25519, RSA, HMAC)", async () => {
    const w = inWorker(`${HELPERS}
      const data = fromB64(input.data);
      const out = {};
      const pairs = {
        "ECDSA-P-256": [{ name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
        "ECDSA-P-384": [{ name: "ECDSA", namedCurve: "P-384" }, { name: "ECDSA", hash: "SHA-384" }],
        "ECDSA-P-521": [{ name: "ECDSA", namedCurve: "P-521" }, { name: "ECDSA", hash: "SHA-512" }],
        Ed25519: [{ name: "Ed25519" }, { name: "Ed25519" }],
        "RSASSA-PKCS1-v1_5": [{ name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
        "RSA-PSS": [{ name: "RSA-PSS", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-384" }, { name: "RSA-PSS", saltLength: 32 }],
      };
      for (const [name, [gen, params]] of Object.entries(pairs)) {
        const { publicKey, privateKey } = await s.generateKey(gen, true, ["sign", "verify"]);
        const sig = await s.sign(params, privateKey, data);
        out[name] = { spki: toB64(await s.exportKey("spki", publicKey)), sig: toB64(sig), self: await s.verify(params, publicKey, sig, data),
          tampered: await s.verify(params, publicKey, sig, new Uint8Array([...data, 1])), algorithm: publicKey.algorithm, usages: publicKey.usages };
      }
      const hmac = await s.importKey("raw", fromB64(input.secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
      out.HMAC = toB64(await s.sign("HMAC", hmac, data));
      return Response.json(out);`);
    const data = new Uint8Array([1, 2, 3, 250, 0, 9]);
    const secret = new Uint8Array(64).fill(7);
    const got = await json<Record<string, { spki: string; sig: string; self: boolean; tampered: boolean; algorithm: Record<string, unknown>; usages: string[] }> & { HMAC: string }>(w({ data: b64(data), secret: b64(secret) }));
    const checks: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ["ECDSA-P-256", { name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
      ["ECDSA-P-384", { name: "ECDSA", namedCurve: "P-384" }, { name: "ECDSA", hash: "SHA-384" }],
      ["ECDSA-P-521", { name: "ECDSA", namedCurve: "P-521" }, { name: "ECDSA", hash: "SHA-512" }],
      ["Ed25519", { name: "Ed25519" }, { name: "Ed25519" }],
      ["RSASSA-PKCS1-v1_5", { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
      ["RSA-PSS", { name: "RSA-PSS", hash: "SHA-384" }, { name: "RSA-PSS", saltLength: 32 }],
    ];
    for (const [name, importAlg, params] of checks) {
      const r = got[name]!;
      const key = await subtle.importKey("spki", unb64(r.spki), importAlg as never, false, ["verify"]);
      expect(await subtle.verify(params as never, key, unb64(r.sig), data), name).toBe(true);
      expect([r.self, r.tampered], name).toEqual([true, false]);
      expect(r.usages, name).toEqual(["verify"]);
    }
    expect(got["RSA-PSS"]!.algorithm).toEqual({ name: "RSA-PSS", modulusLength: 1024, publicExponent: { 0: 1, 1: 0, 2: 1 }, hash: { name: "SHA-384" } });
    expect(got.HMAC).toBe(createHmac("sha512", secret).update(data).digest("base64"));
  });

  it("AES-GCM, AES-CBC and AES-CTR ciphertext from the isolate decrypts on the host, for any key size and data", async () => {
    const w = inWorker(`${HELPERS}
      const out = {};
      for (const [name, params] of [["AES-GCM", { name: "AES-GCM", iv: fromB64(input.iv12), additionalData: fromB64(input.aad), tagLength: 96 }],
        ["AES-CBC", { name: "AES-CBC", iv: fromB64(input.iv16) }], ["AES-CTR", { name: "AES-CTR", counter: fromB64(input.iv16), length: 64 }]]) {
        const key = await s.importKey("raw", fromB64(input.key), name, true, ["encrypt", "decrypt"]);
        const ct = await s.encrypt(params, key, fromB64(input.data));
        out[name] = [toB64(ct), toB64(await s.decrypt(params, key, ct))];
      }
      return Response.json(out);`);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(16, 24, 32), fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 16 }), async (size, data, aad) => {
        const key = webcrypto.getRandomValues(new Uint8Array(size));
        const iv12 = webcrypto.getRandomValues(new Uint8Array(12));
        const iv16 = webcrypto.getRandomValues(new Uint8Array(16));
        const got = await json<Record<string, [string, string]>>(w({ key: b64(key), data: b64(data), iv12: b64(iv12), iv16: b64(iv16), aad: b64(aad) }));
        const decrypt = async (name: string, params: Record<string, unknown>): Promise<string> =>
          b64(await subtle.decrypt(params as never, await subtle.importKey("raw", key, name, false, ["decrypt"]), unb64(got[name]![0])));
        expect(await decrypt("AES-GCM", { name: "AES-GCM", iv: iv12, additionalData: aad, tagLength: 96 })).toBe(b64(data));
        expect(await decrypt("AES-CBC", { name: "AES-CBC", iv: iv16 })).toBe(b64(data));
        expect(await decrypt("AES-CTR", { name: "AES-CTR", counter: iv16, length: 64 })).toBe(b64(data));
        for (const name of ["AES-GCM", "AES-CBC", "AES-CTR"]) expect(got[name]![1]).toBe(b64(data));
      }),
      { numRuns: 8 },
    );
  });

  it("RSA-OAEP and AES-KW: the host encrypts or wraps for the isolate's keys, the isolate decrypts and unwraps", async () => {
    const w = inWorker(`${HELPERS}
      if (input.step === "keys") {
        const rsa = await s.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, false, ["encrypt", "decrypt"]);
        globalThis.rsa = rsa;
        globalThis.kek = await s.importKey("jwk", input.kek, "AES-KW", false, ["wrapKey", "unwrapKey"]);
        return Response.json({ rsa: await s.exportKey("jwk", rsa.publicKey) });
      }
      const plain = toB64(await s.decrypt({ name: "RSA-OAEP", label: fromB64(input.label) }, rsa.privateKey, fromB64(input.oaep)));
      const unwrapped = await s.unwrapKey("raw", fromB64(input.wrapped), kek, "AES-KW", { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
      const rewrapped = toB64(await s.wrapKey("raw", unwrapped, kek, "AES-KW"));
      return Response.json({ plain, mac: toB64(await s.sign("HMAC", unwrapped, fromB64(input.label))), rewrapped, type: unwrapped.type });`);
    const kekRaw = webcrypto.getRandomValues(new Uint8Array(32));
    const kek = await subtle.importKey("raw", kekRaw, "AES-KW", true, ["wrapKey", "unwrapKey"]);
    const { rsa } = await json<{ rsa: webcrypto.JsonWebKey }>(w({ step: "keys", kek: await subtle.exportKey("jwk", kek) }));
    const pub = await subtle.importKey("jwk", rsa, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
    const label = new Uint8Array([9, 9]);
    const secret = webcrypto.getRandomValues(new Uint8Array(32));
    const macKey = await subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
    const wrapped = await subtle.wrapKey("raw", macKey, kek, "AES-KW");
    const oaep = await subtle.encrypt({ name: "RSA-OAEP", label }, pub, new Uint8Array([5, 6, 7]));
    const got = await json(w({ step: "use", label: b64(label), oaep: b64(oaep), wrapped: b64(wrapped) }));
    expect(got).toEqual({ plain: b64(new Uint8Array([5, 6, 7])), mac: createHmac("sha256", secret).update(label).digest("base64"), rewrapped: b64(wrapped), type: "secret" });
  });

  it("ECDH on P-256/384/521 and X25519: the isolate and the host derive the same secret; deriveKey gives a working key", async () => {
    const w = inWorker(`${HELPERS}
      const out = {};
      for (const [name, gen, bits] of [["P-256", { name: "ECDH", namedCurve: "P-256" }, 256], ["P-384", { name: "ECDH", namedCurve: "P-384" }, 384],
        ["P-521", { name: "ECDH", namedCurve: "P-521" }, 528], ["X25519", { name: "X25519" }, 256]]) {
        const mine = await s.generateKey(gen, true, ["deriveBits", "deriveKey"]);
        const theirs = await s.importKey("raw", fromB64(input[name]), gen, false, []);
        const shared = await s.deriveBits({ name: gen.name, public: theirs }, mine.privateKey, bits);
        const aes = await s.deriveKey({ name: gen.name, public: theirs }, mine.privateKey, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
        out[name] = { pub: toB64(await s.exportKey("raw", mine.publicKey)), shared: toB64(shared), aes: toB64(await s.exportKey("raw", aes)) };
      }
      return Response.json(out);`);
    const curves: Array<[string, Record<string, unknown>, number]> = [
      ["P-256", { name: "ECDH", namedCurve: "P-256" }, 256], ["P-384", { name: "ECDH", namedCurve: "P-384" }, 384],
      ["P-521", { name: "ECDH", namedCurve: "P-521" }, 528], ["X25519", { name: "X25519" }, 256],
    ];
    const hostKeys = new Map<string, webcrypto.CryptoKeyPair>();
    const input: Record<string, string> = {};
    for (const [name, gen] of curves) {
      const pair = (await subtle.generateKey(gen as never, true, ["deriveBits"])) as webcrypto.CryptoKeyPair;
      hostKeys.set(name, pair);
      input[name] = b64(await subtle.exportKey("raw", pair.publicKey));
    }
    const got = await json<Record<string, { pub: string; shared: string; aes: string }>>(w(input));
    for (const [name, gen, bits] of curves) {
      const theirs = await subtle.importKey("raw", unb64(got[name]!.pub), gen as never, false, []);
      const shared = await subtle.deriveBits({ name: gen.name, public: theirs } as never, hostKeys.get(name)!.privateKey, bits);
      expect(got[name]!.shared, name).toBe(b64(shared));
      expect(got[name]!.aes, name).toBe(b64(new Uint8Array(shared).subarray(0, 16)));
    }
  });

  it("PBKDF2, HKDF and digest agree with node:crypto for any input", async () => {
    const w = inWorker(`${HELPERS}
      const ikm = fromB64(input.ikm), salt = fromB64(input.salt), info = fromB64(input.info);
      const pb = await s.importKey("raw", ikm, "PBKDF2", false, ["deriveBits"]);
      const hk = await s.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
      return Response.json({
        pbkdf2: toB64(await s.deriveBits({ name: "PBKDF2", salt, iterations: input.iterations, hash: "SHA-256" }, pb, 256)),
        hkdf: toB64(await s.deriveBits({ name: "HKDF", salt, info, hash: "SHA-384" }, hk, 128)),
        digests: await Promise.all(["SHA-1", "SHA-256", "SHA-384", "SHA-512"].map(async (a) => toB64(await s.digest(a, ikm)))),
      });`);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), fc.integer({ min: 1, max: 200 }), async (ikm, salt, info, iterations) => {
        const got = await json(w({ ikm: b64(ikm), salt: b64(salt), info: b64(info), iterations }));
        const digest = (a: string): string => createHash(a).update(ikm).digest("base64");
        expect(got).toEqual({
          pbkdf2: b64(pbkdf2Sync(ikm, salt, iterations, 32, "sha256")),
          hkdf: b64(new Uint8Array(hkdfSync("sha384", ikm, salt, info, 16))),
          digests: ["sha1", "sha256", "sha384", "sha512"].map(digest),
        });
      }),
      { numRuns: 10 },
    );
  });

  it("keys round-trip through every export format, and errors are WebCrypto's DOMExceptions", async () => {
    const got = await json(inWorker(`${HELPERS}
      const ec = await s.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
      const jwk = await s.exportKey("jwk", ec.privateKey);
      const pkcs8 = await s.exportKey("pkcs8", ec.privateKey);
      const again = await s.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
      const sameJwk = JSON.stringify(await s.exportKey("jwk", again)) === JSON.stringify(jwk);
      const errors = {};
      const attempt = async (name, fn) => { try { await fn(); errors[name] = "none"; } catch (e) { errors[name] = (e instanceof DOMException ? "DOMException:" : "") + e.name; } };
      await attempt("unextractable", async () => s.exportKey("jwk", (await s.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]))));
      await attempt("wrongUsage", () => s.sign({ name: "ECDSA", hash: "SHA-256" }, ec.publicKey, new Uint8Array(1)));
      await attempt("badUsage", () => s.generateKey({ name: "AES-GCM", length: 128 }, true, ["sign"]));
      await attempt("unknownAlgorithm", () => s.generateKey({ name: "ROT13" }, true, ["encrypt"]));
      await attempt("badFormat", () => s.exportKey("pem", ec.publicKey));
      await attempt("notAKey", () => s.sign("HMAC", { type: "secret" }, new Uint8Array(1)));
      await attempt("badKeyData", () => s.importKey("raw", new Uint8Array(5), "AES-GCM", true, ["encrypt"]));
      let illegal; try { new CryptoKey(); } catch (e) { illegal = e.name; }
      return Response.json({ jwk: [jwk.kty, jwk.crv, typeof jwk.d], pkcs8: pkcs8.byteLength > 60, sameJwk, errors, illegal,
        equal: s.timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), unequal: s.timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])),
        keyClass: ec.privateKey instanceof CryptoKey, props: Object.keys(ec.privateKey) });`)());
    expect(got).toEqual({
      jwk: ["EC", "P-256", "string"], pkcs8: true, sameJwk: true, illegal: "TypeError", equal: true, unequal: false, keyClass: true, props: [],
      errors: {
        unextractable: "DOMException:InvalidAccessError", wrongUsage: "DOMException:InvalidAccessError", badUsage: "DOMException:SyntaxError",
        unknownAlgorithm: "DOMException:NotSupportedError", badFormat: "TypeError", notAKey: "TypeError", badKeyData: "DOMException:DataError",
      },
    });
  });
});

describe("crypto key, digest and zlib handles from the isolate", () => {
  const clock = new VirtualClock(0);
  const noOrigin = async (): Promise<Response> => new Response("none");
  const noSleep = async (): Promise<void> => {};

  it("forged, released or foreign handles are refused with a TypeError and never reach a host object", async () => {
    const bridge = new HostBridge(resolveWorkerConfig({ name: "crypto-a" }), clock, noOrigin, noSleep);
    const other = new HostBridge(resolveWorkerConfig({ name: "crypto-b" }), clock, noOrigin, noSleep);
    const key = (await bridge.asyncCall("subtle", ["importKey", "raw", new Uint8Array(16).buffer, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]])).v as { handle: number };
    const released = (await bridge.asyncCall("subtle", ["importKey", "raw", new Uint8Array(16).buffer, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]])).v as { handle: number };
    await bridge.asyncCall("subtle", ["release", released.handle]);
    // The other isolate's table numbers its own keys: its fifth key has a number this one never issued.
    let foreign = { handle: 0 };
    for (let i = 0; i < 5; i++) foreign = (await other.asyncCall("subtle", ["importKey", "raw", new Uint8Array(16).buffer, { name: "AES-GCM" }, false, ["encrypt"]])).v as { handle: number };
    const digest = bridge.syncCall("digest.open", ["SHA-256"]).v as number;
    bridge.syncCall("digest.finish", [digest]);
    const zlib = bridge.syncCall("zlib.open", ["compress", "gzip"]).v as number;
    bridge.syncCall("zlib.release", [zlib]);
    const refused = (reply: { e?: { name: string; message: string } }): void => {
      expect(reply.e?.name).toBe("TypeError");
    };
    const forged = fc.oneof(
      fc.constantFrom(released.handle, foreign.handle + 1000, 0, -1, Number.MAX_SAFE_INTEGER, Number.NaN, "1", null, {}, { $cryptoKey: 1 }),
      fc.integer({ min: key.handle + 1 }),
      fc.anything().filter((v) => typeof v !== "number"),
    );
    await fc.assert(
      fc.asyncProperty(forged, async (handle) => {
        refused(await bridge.asyncCall("subtle", ["sign", { name: "HMAC" }, handle, new Uint8Array(1).buffer]));
        refused(await bridge.asyncCall("subtle", ["exportKey", "raw", handle]));
        refused(await bridge.asyncCall("subtle", ["deriveBits", { name: "ECDH", public: { $cryptoKey: handle } }, key.handle, 8]));
        refused(bridge.syncCall("digest.update", [handle, new Uint8Array(1).buffer]));
        refused(await bridge.asyncCall("zlib.push", [handle, new Uint8Array(1).buffer]));
      }),
      { numRuns: 150 },
    );
    // Each table is per isolate: the other isolate's key handle names nothing here, and a
    // digest or zlib handle used after it finished is gone.
    expect((await bridge.asyncCall("subtle", ["encrypt", { name: "AES-GCM", iv: new Uint8Array(12).buffer }, foreign.handle, new Uint8Array(1).buffer])).e?.message).toMatch(/not a key of this isolate/);
    refused(bridge.syncCall("digest.finish", [digest]));
    refused(await bridge.asyncCall("zlib.finish", [zlib]));
    // The real key still works.
    expect((await bridge.asyncCall("subtle", ["sign", { name: "HMAC" }, key.handle, new Uint8Array(1).buffer])).v).toBeInstanceOf(ArrayBuffer);
  });
});

describe("jose, unmodified, inside a worker", () => {
  let worker: Worker;
  beforeAll(async () => {
    const bundle = await build({
      stdin: {
        contents: `import * as jose from "jose";
          export default { async fetch(request) {
            const { jws, jwe, rsa } = await request.json();
            const out = { jws: {}, jwe: {} };
            // RSA keys are made once, on the host (2048-bit generation is slow), and imported per algorithm.
            const rsaPair = async (alg) => ({ privateKey: await jose.importPKCS8(rsa.pkcs8, alg, { extractable: true }), publicKey: await jose.importSPKI(rsa.spki, alg, { extractable: true }) });
            for (const alg of jws) {
              let signWith, verifyWith;
              if (alg.startsWith("HS")) signWith = verifyWith = await jose.generateSecret(alg, { extractable: true });
              else ({ privateKey: signWith, publicKey: verifyWith } = /^(RS|PS)/.test(alg) ? await rsaPair(alg) : await jose.generateKeyPair(alg, { extractable: true }));
              const token = await new jose.SignJWT({ sub: "edge-kata", alg }).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime("1h").sign(signWith);
              const { payload } = await jose.jwtVerify(token, verifyWith);
              out.jws[alg] = { token, key: await jose.exportJWK(verifyWith), sub: payload.sub };
            }
            for (const [alg, enc] of jwe) {
              const secretAlg = alg === "dir" || alg.startsWith("A") || alg.startsWith("PBES2");
              const pair = secretAlg ? null : alg.startsWith("RSA") ? await rsaPair(alg) : await jose.generateKeyPair(alg, { extractable: true, crv: "X25519" });
              const secret = alg === "dir" ? await jose.generateSecret(enc, { extractable: true })
                : alg.startsWith("PBES2") ? new TextEncoder().encode("correct horse battery staple")
                : alg.startsWith("A") ? await jose.generateSecret(alg, { extractable: true }) : null;
              const jweToken = await new jose.CompactEncrypt(new TextEncoder().encode("secret " + alg)).setProtectedHeader({ alg, enc }).encrypt(secret ?? pair.publicKey);
              // PBES2 must be allowed explicitly (jose refuses its cost by default).
              const { plaintext } = await jose.compactDecrypt(jweToken, secret ?? pair.privateKey, { keyManagementAlgorithms: [alg] });
              out.jwe[alg + "+" + enc] = { token: jweToken, key: secret instanceof Uint8Array ? { raw: btoa(String.fromCharCode(...secret)) } : await jose.exportJWK(secret ?? pair.privateKey), plain: new TextDecoder().decode(plaintext) };
            }
            return Response.json(out);
          } };`,
        resolveDir: process.cwd(),
        loader: "js",
      },
      bundle: true,
      format: "esm",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    worker = new Worker(bundle.outputFiles[0]!.text, { name: "jose", cpuMsMax: 60_000 });
  });
  afterAll(() => worker.dispose());

  it("signs and verifies every JWS algorithm, and each token verifies on the host too", async () => {
    const jws = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
    const jwe: Array<[string, string]> = [
      ["RSA-OAEP", "A256GCM"], ["RSA-OAEP-256", "A128CBC-HS256"], ["RSA-OAEP-384", "A192GCM"], ["RSA-OAEP-512", "A256CBC-HS512"],
      ["A128KW", "A128GCM"], ["A192KW", "A192CBC-HS384"], ["A256KW", "A256GCM"], ["A128GCMKW", "A128GCM"], ["A256GCMKW", "A256CBC-HS512"],
      ["dir", "A256GCM"], ["ECDH-ES", "A128GCM"], ["ECDH-ES+A256KW", "A256GCM"], ["PBES2-HS256+A128KW", "A128GCM"],
    ];
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rsa = { pkcs8: privateKey.export({ type: "pkcs8", format: "pem" }), spki: publicKey.export({ type: "spki", format: "pem" }) };
    const r = await worker.fetch(new Request("https://jose.example/", { method: "POST", body: JSON.stringify({ jws, jwe, rsa }) }));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    const got = (await r.response.json()) as { jws: Record<string, { token: string; key: jose.JWK; sub: string }>; jwe: Record<string, { token: string; key: jose.JWK & { raw?: string }; plain: string }> };
    expect(Object.keys(got.jws)).toEqual(jws);
    for (const alg of jws) {
      const { token, key, sub } = got.jws[alg]!;
      expect(sub, alg).toBe("edge-kata");
      const { payload, protectedHeader } = await jose.jwtVerify(token, await jose.importJWK(key, alg === "EdDSA" ? "EdDSA" : alg));
      expect([payload.alg, protectedHeader.alg], alg).toEqual([alg, alg]);
    }
    for (const [alg, enc] of jwe) {
      const { token, key, plain } = got.jwe[`${alg}+${enc}`]!;
      expect(plain, alg).toBe(`secret ${alg}`);
      const hostKey = key.raw !== undefined ? Buffer.from(key.raw, "base64") : await jose.importJWK(key, alg);
      const { plaintext } = await jose.compactDecrypt(token, hostKey as Uint8Array, { keyManagementAlgorithms: [alg] });
      expect(new TextDecoder().decode(plaintext), alg).toBe(`secret ${alg}`);
    }
  });
});
