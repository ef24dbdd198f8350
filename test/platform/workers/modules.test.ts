// A worker built as wrangler builds it: its bundle imports Text, Data and CompiledWasm modules
// by name, nodejs_compat's node:* modules, and its stacks are mapped back to the source.
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker, type WorkerScript } from "../../../src/workers/index.js";

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const ADD_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11]);

const workers: Worker[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) w.dispose();
});

function deploy(script: Partial<WorkerScript> & { main: string }, options: { developmentErrors?: boolean } = {}): Worker {
  const w = new Worker({ modules: [], nodeCompat: false, ...script }, { name: "mods", cpuMsMax: 2_000 }, { clock: new VirtualClock(0), ...options });
  workers.push(w);
  return w;
}

async function json(w: Worker, path = "/"): Promise<unknown> {
  const r = await w.fetch(new Request(`https://mods.example${path}`));
  expect(r.logs).toEqual([]);
  expect(r.outcome).toBe("ok");
  return r.response.json();
}

describe("module rules", () => {
  it("compiles an imported .wasm module inside the isolate and runs its exports", async () => {
    const w = deploy({
      main: `import add from "./0f3a-add.wasm";
export default { async fetch() {
  const instance = await WebAssembly.instantiate(add);
  return Response.json({ isModule: add instanceof WebAssembly.Module, sum: instance.exports.add(2, 40), exports: WebAssembly.Module.exports(add) });
} };`,
      modules: [{ name: "./0f3a-add.wasm", type: "compiled-wasm", bytes: ADD_WASM }],
    });
    expect(await json(w)).toEqual({ isModule: true, sum: 42, exports: [{ name: "add", kind: "function" }] });
  });

  it("gives a Text module as a string and a Data module as an ArrayBuffer with the exact bytes", async () => {
    const bytes = new Uint8Array([0, 255, 1, 128, 0xc3]);
    const w = deploy({
      main: `import text from "./page.html";
import data from "./blob.bin";
export default { fetch() { return Response.json({ text, isBuffer: data instanceof ArrayBuffer, bytes: [...new Uint8Array(data)] }); } };`,
      modules: [
        { name: "./page.html", type: "text", bytes: new TextEncoder().encode("<p>héllo ☃ `${x}` \"q\"</p>\n") },
        { name: "./blob.bin", type: "data", bytes },
      ],
    });
    expect(await json(w)).toEqual({ text: '<p>héllo ☃ `${x}` "q"</p>\n', isBuffer: true, bytes: [...bytes] });
  });

  it("leaves no hand-over global behind for the worker's code to find", async () => {
    const w = deploy({
      main: `import data from "./x.bin";
import { createHash } from "node:crypto";
export default { fetch() { return Response.json(Object.getOwnPropertyNames(globalThis).filter((k) => k.startsWith("__edgeKata"))); } };`,
      modules: [{ name: "./x.bin", type: "data", bytes: new Uint8Array(3) }],
      nodeCompat: true,
    });
    expect(await json(w)).toEqual([]);
  });

  it("refuses at deploy an import that is neither cloudflare:workers nor one of the bundle's modules", () => {
    expect(() => deploy({ main: `import x from "./missing.wasm"; export default { fetch() { return new Response(x); } };` })).toThrow(
      'worker "mods": cannot import "./missing.wasm"; only cloudflare:workers and the bundle\'s own modules are available',
    );
  });

  it("refuses a node:* import without nodejs_compat, naming the flag", () => {
    expect(() => deploy({ main: `import { Buffer } from "node:buffer"; export default { fetch() { return new Response(Buffer.from("a")); } };` })).toThrow(
      'cannot import "node:buffer": add compatibility_flags = ["nodejs_compat"] to wrangler.toml',
    );
    expect(() => deploy({ main: `import fs from "node:fs"; export default { fetch() { return new Response("x"); } };`, nodeCompat: true })).toThrow(
      'cannot import "node:fs"; only cloudflare:workers, node:buffer, node:crypto, node:events, node:util',
    );
  });
});

describe("nodejs_compat", () => {
  const crypto = `import { Buffer } from "node:buffer";
import nodeCrypto, { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual, getHashes } from "node:crypto";
export default { async fetch(request) {
  const u = new URL(request.url);
  const alg = u.searchParams.get("alg");
  const data = Buffer.from(u.searchParams.get("hex"), "hex");
  const key = u.searchParams.get("key");
  const h = key === null ? createHash(alg) : createHmac(alg, key);
  const half = Math.floor(data.length / 2);
  h.update(data.subarray(0, half));
  const copy = h.copy();
  h.update(data.subarray(half));
  return Response.json({ hex: h.digest("hex"), halfB64: copy.digest("base64"), hashes: getHashes(), sameModule: nodeCrypto.createHash === createHash });
} };`;

  it("hashes and HMACs exactly as Node does, in one update or split, for md5 to sha512", async () => {
    const w = deploy({ main: crypto, nodeCompat: true });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "SHA256"), fc.uint8Array({ maxLength: 300 }), fc.option(fc.string({ maxLength: 20 })), async (alg, bytes, key) => {
        const hex = Buffer.from(bytes).toString("hex");
        const q = `?alg=${alg}&hex=${hex}${key === null ? "" : `&key=${encodeURIComponent(key)}`}`;
        const got = (await json(w, `/${q}`)) as { hex: string; halfB64: string; hashes: string[]; sameModule: boolean };
        const node = (): { update(b: Uint8Array): { digest(e: "hex" | "base64"): string } } => (key === null ? createHash(alg) : createHmac(alg, key));
        expect(got.hex).toBe(node().update(bytes).digest("hex"));
        expect(got.halfB64).toBe(node().update(bytes.subarray(0, Math.floor(bytes.length / 2))).digest("base64"));
        expect(got.sameModule).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("answers Node's errors for an unknown digest, a reused hash and unequal lengths", async () => {
    const w = deploy({
      nodeCompat: true,
      main: `import { createHash, timingSafeEqual, randomBytes, randomInt } from "node:crypto";
const attempt = (f) => { try { return String(f()); } catch (e) { return e.name + ": " + e.message; } };
export default { fetch() {
  const used = createHash("sha1"); used.digest();
  return Response.json([
    attempt(() => createHash("whirlpool")),
    attempt(() => used.update("x")),
    attempt(() => timingSafeEqual(new Uint8Array(2), new Uint8Array(3))),
    attempt(() => randomBytes(-1)),
    attempt(() => randomInt(5, 5)),
  ]);
} };`,
    });
    expect(await json(w)).toEqual([
      "Error: Digest method not supported",
      "Error: Digest already called",
      "RangeError: Input buffers must have the same byte length",
      'RangeError: The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received -1',
      expect.stringMatching(/^RangeError: The value of "max" is out of range/),
    ]);
  });

  it("draws random bytes, integers in range and v4 UUIDs", async () => {
    const w = deploy({
      nodeCompat: true,
      main: `import { randomBytes, randomInt, randomUUID, randomFillSync } from "node:crypto";
export default { async fetch() {
  const ints = Array.from({ length: 2000 }, () => randomInt(3, 10));
  const viaCallback = await new Promise((resolve) => randomBytes(100000, (err, b) => resolve(err ?? b.length)));
  return Response.json({ len: randomBytes(70000).length, ints: [Math.min(...ints), Math.max(...ints), new Set(ints).size], viaCallback,
    uuid: randomUUID(), filled: [...randomFillSync(new Uint8Array(4), 2)].slice(0, 2) });
} };`,
    });
    const got = (await json(w)) as { len: number; ints: number[]; viaCallback: number; uuid: string; filled: number[] };
    expect(got.len).toBe(70_000);
    expect(got.ints).toEqual([3, 9, 7]);
    expect(got.viaCallback).toBe(100_000);
    expect(got.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(got.filled).toEqual([0, 0]);
  });

  it("provides Buffer, EventEmitter and util's common parts", async () => {
    const w = deploy({
      nodeCompat: true,
      main: `import { Buffer } from "node:buffer";
import EventEmitter, { once } from "node:events";
import util, { format, inspect, promisify, callbackify, inherits, isDeepStrictEqual, types } from "node:util";
export default { async fetch() {
  const e = new EventEmitter();
  const seen = [];
  e.on("x", (v) => seen.push(v));
  e.once("x", (v) => seen.push("once:" + v));
  e.emit("x", 1); e.emit("x", 2);
  setTimeout(() => e.emit("later", "done"), 1);
  const [later] = await once(e, "later");
  const wait = promisify((ms, cb) => setTimeout(() => cb(null, ms * 2), ms));
  const cbResult = await new Promise((r) => callbackify(async (x) => x + 1)(41, (err, v) => r(v)));
  function A() {} function B() {} inherits(A, B);
  return Response.json({
    b64: Buffer.from("héllo wörld").toString("base64"),
    hex: Buffer.from([0, 255]).toString("hex"),
    concat: Buffer.concat([Buffer.from("ab"), Buffer.from("cd")]).toString(),
    isView: Buffer.from("x") instanceof Uint8Array,
    seen, later, doubled: await wait(2), cbResult, inherits: new A() instanceof B,
    fmt: format("%s is %d years and %i%% %j %o", "Ada", 36.6, 99.9, { a: [1] }, "x"),
    extra: format("a", 1, "b", { c: 2 }),
    insp: inspect({ s: "it's", n: -0, big: 10n, list: [1, [2, [3, [4]]]], m: new Map([["k", { v: 1 }]]), set: new Set([1]), f: function named() {}, d: new Date(0), u: undefined, nul: null }),
    deep: [isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), isDeepStrictEqual([1], ["1"]), isDeepStrictEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])), isDeepStrictEqual(NaN, NaN), isDeepStrictEqual(0, -0)],
    types: [types.isUint8Array(Buffer.alloc(1)), types.isPromise(Promise.resolve()), types.isDate(new Date()), types.isRegExp(/x/), types.isAsyncFunction(async () => {})],
    codec: new util.TextDecoder().decode(new util.TextEncoder().encode("ok")),
  });
} };`,
    });
    expect(await json(w)).toEqual({
      b64: Buffer.from("héllo wörld").toString("base64"),
      hex: "00ff",
      concat: "abcd",
      isView: true,
      seen: [1, "once:1", 2],
      later: "done",
      doubled: 4,
      cbResult: 42,
      inherits: true,
      fmt: "Ada is 36.6 years and 99% {\"a\":[1]} 'x'",
      extra: "a 1 b { c: 2 }",
      insp: "{ s: \"it's\", n: -0, big: 10n, list: [ 1, [ 2, [Array] ] ], m: Map(1) { 'k' => { v: 1 } }, set: Set(1) { 1 }, f: [Function: named], d: 1970-01-01T00:00:00.000Z, u: undefined, nul: null }",
      deep: [true, false, true, true, false],
      types: [true, true, true, true, true],
      codec: "ok",
    });
  });
});

describe("source maps and the development error page", () => {
  // Stands in for a bundle's source map: line N of the bundle is line N+100 of src/app.ts.
  const remapStack = (text: string): string => text.replace(/file:\/\/\/mods\.js:(\d+):(\d+)/g, (_, l: string, c: string) => `src/app.ts:${Number(l) + 100}:${c}`);
  const throwing = `export default { fetch() {\n  const boom = () => { throw new TypeError("bad input"); };\n  return boom();\n} };`;

  it("logs an exception's stack at source positions", async () => {
    const w = deploy({ main: throwing, remapStack });
    const r = await w.fetch(new Request("https://mods.example/"));
    expect(r.outcome).toBe("exception");
    expect(r.logs[0]!.message).toMatch(/^TypeError: bad input\n {4}at boom \(src\/app\.ts:102:\d+\)\n {4}at Object\.fetch \(src\/app\.ts:103:\d+\)/);
    expect(await r.response.text()).toBe("error code: 1101");
  });

  it("in development, the 1101 page carries the mapped stack; console lines are mapped too", async () => {
    const w = deploy({ main: `export default { fetch() { console.log(new Error("seen").stack); null.x; } };`, remapStack }, { developmentErrors: true });
    const r = await w.fetch(new Request("https://mods.example/"));
    expect(r.response.status).toBe(500);
    const page = await r.response.text();
    expect(page).toMatch(/^error code: 1101\n\nTypeError: Cannot read properties of null \(reading 'x'\)\n {4}at Object\.fetch \(src\/app\.ts:101:\d+\)/);
    expect(r.logs[0]!.message).toMatch(/^Error: seen\n {4}at Object\.fetch \(src\/app\.ts:101:\d+\)/);
  });

  it("maps a syntax error's position at deploy", () => {
    expect(() => deploy({ main: "export default {\n  fetch() { return new Response( }\n};", remapStack })).toThrow(/SyntaxError: .* in src\/app\.ts at line 102, column \d+/);
  });
});
