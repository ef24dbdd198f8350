// The Streams standard beyond ReadableStream, the encoding and compression streams and Workers'
// own byte streams, inside an isolate. Compression is checked against Node's zlib on the host in
// both directions; hashing against node:crypto. (The conformance run, `npm run wpt`, covers the
// standard's corner cases; these tests cover what a worker does with them.)
import { createHash } from "node:crypto";
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { disposeWorkers, inWorker, json } from "./in-worker.js";

afterAll(disposeWorkers);

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const unb64 = (s: string): Buffer => Buffer.from(s, "base64");
const FROM_B64 = `const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const toB64 = (bytes) => { let s = ""; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); };
async function collect(readable) { const parts = []; let n = 0; for await (const c of readable) { parts.push(c); n += c.byteLength; } const out = new Uint8Array(n); let o = 0; for (const p of parts) { out.set(p, o); o += p.byteLength; } return out; }`;

describe("CompressionStream and DecompressionStream", () => {
  const roundTrip = inWorker(`${FROM_B64}
    const out = {};
    for (const format of ["gzip", "deflate", "deflate-raw"]) {
      const chunks = input.chunks.map(fromB64);
      const compressed = await collect(ReadableStream.from(chunks).pipeThrough(new CompressionStream(format)));
      const back = await collect(ReadableStream.from([compressed.subarray(0, 3), compressed.subarray(3)]).pipeThrough(new DecompressionStream(format)));
      const fromHost = await collect(ReadableStream.from([fromB64(input.host[format])]).pipeThrough(new DecompressionStream(format)));
      out[format] = { compressed: toB64(compressed), back: toB64(back), fromHost: toB64(fromHost) };
    }
    return Response.json(out);`);

  it("what the isolate compresses, zlib on the host decompresses, and the other way round, for gzip, deflate and deflate-raw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), async (chunks) => {
        const all = Buffer.concat(chunks);
        const host = { gzip: b64(gzipSync(all)), deflate: b64(deflateSync(all)), "deflate-raw": b64(deflateRawSync(all)) };
        const got = await json<Record<string, { compressed: string; back: string; fromHost: string }>>(roundTrip({ chunks: chunks.map(b64), host }));
        expect(gunzipSync(unb64(got.gzip!.compressed)).equals(all)).toBe(true);
        expect(inflateSync(unb64(got.deflate!.compressed)).equals(all)).toBe(true);
        expect(inflateRawSync(unb64(got["deflate-raw"]!.compressed)).equals(all)).toBe(true);
        for (const format of ["gzip", "deflate", "deflate-raw"]) {
          expect(got[format]!.back).toBe(b64(all));
          expect(got[format]!.fromHost).toBe(b64(all));
        }
      }),
      { numRuns: 15 },
    );
  });

  it("corrupt input errors the stream with a TypeError, a bomb is cut off, and the host keeps no zlib stream", async () => {
    const w = inWorker(`${FROM_B64}
      const results = {};
      for (const [name, bytes] of Object.entries(input)) {
        try { await collect(ReadableStream.from([fromB64(bytes)]).pipeThrough(new DecompressionStream("gzip"))); results[name] = "ok"; }
        catch (e) { results[name] = e.name + ": " + e.message; }
      }
      return Response.json(results);`);
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024));
    const got = await json(w({ garbage: b64(new Uint8Array([1, 2, 3, 4, 5])), truncated: b64(gzipSync(Buffer.from("hello")).subarray(0, 12)), bomb: b64(bomb) }));
    expect(got).toEqual({
      garbage: "TypeError: Decompression failed.",
      truncated: "TypeError: Decompression failed.",
      bomb: expect.stringMatching(/^TypeError: a compression stream chunk expanded past 16777216 bytes/),
    });
    expect(w.worker.openZlibStreams).toBe(0);
  });
});

describe("pull sources: the default and byte controllers' pull loop", () => {
  it("pulls again when asked during a pull, stops at the high-water mark, and errors the stream when pull rejects, for both controller kinds", async () => {
    const w = inWorker(`
      const run = async (type) => {
        let pulls = 0;
        const s = new ReadableStream({
          type,
          async pull(c) {
            pulls++;
            await null;
            // A byte stream's pending BYOB read ends (done) once the closed source responds with 0 bytes.
            if (pulls > 5) { c.close(); if (c.byobRequest) c.byobRequest.respond(0); return; }
            c.enqueue(new Uint8Array([pulls]));
          },
        }, type === "bytes" ? { highWaterMark: 0 } : { highWaterMark: 2 });
        await new Promise((r) => setTimeout(r, 5));
        const primed = pulls;
        const reader = type === "bytes" ? s.getReader({ mode: "byob" }) : s.getReader();
        const got = [];
        for (;;) {
          const { value, done } = type === "bytes" ? await reader.read(new Uint8Array(4)) : await reader.read();
          if (done) break;
          got.push(...value);
        }
        const failing = new ReadableStream({ type, pull() { return Promise.reject(new RangeError("pull failed")); } });
        let error = null;
        try { await failing.getReader().read(); } catch (e) { error = e.name + ": " + e.message; }
        return { primed, pulls, got, error };
      };
      return Response.json({ default: await run(undefined), bytes: await run("bytes") });`);
    const got = await json(w({}));
    expect(got).toEqual({
      // What Node's own streams answer: a default stream fills its queue to its high-water mark of 2 before anyone reads; a byte stream with 0 waits.
      default: { primed: 2, pulls: 6, got: [1, 2, 3, 4, 5], error: "RangeError: pull failed" },
      bytes: { primed: 0, pulls: 6, got: [1, 2, 3, 4, 5], error: "RangeError: pull failed" },
    });
  });
});

describe("WritableStream, TransformStream and piping", () => {
  it("a body made by pipeThrough(TransformStream) with backpressure reaches the client whole", async () => {
    const w = inWorker(`
      const upper = new TransformStream({ transform(chunk, c) { c.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())); } }, undefined, { highWaterMark: 1 });
      return new Response(request.body.pipeThrough(upper));`);
    const text = "streams all the way down ".repeat(5000);
    expect(await (await w(undefined, { body: text })).text()).toBe(text.toUpperCase());
  });

  it("pipeTo a WritableStream honours preventClose and an AbortSignal; the writer sees backpressure", async () => {
    const got = await json(inWorker(`
      const written = [];
      let closed = false;
      const sink = new WritableStream({ write(c) { written.push(c); }, close() { closed = true; } }, new CountQueuingStrategy({ highWaterMark: 2 }));
      await ReadableStream.from(["a", "b", "c"]).pipeTo(sink, { preventClose: true });
      const writer = sink.getWriter();
      const sizes = [writer.desiredSize];
      writer.write("d"); sizes.push(writer.desiredSize);
      await writer.ready; await writer.close();
      const controller = new AbortController();
      const never = new ReadableStream({ pull() { return new Promise(() => {}); } });
      const aborted = never.pipeTo(new WritableStream(), { signal: controller.signal }).catch((e) => e.name);
      controller.abort();
      return Response.json({ written, closed, sizes, aborted: await aborted });`)());
    expect(got).toEqual({ written: ["a", "b", "c", "d"], closed: true, sizes: [2, 1], aborted: "AbortError" });
  });

  it("tee, BYOB reads, ReadableStream.from and async iteration work on byte streams", async () => {
    const got = await json(inWorker(`
      let n = 0;
      const bytes = new ReadableStream({ type: "bytes", pull(c) {
        if (n === 3) { c.close(); c.byobRequest?.respond(0); return; }
        const view = c.byobRequest?.view;
        if (view) { view[0] = n++; c.byobRequest.respond(1); } else c.enqueue(new Uint8Array([n++]));
      }, autoAllocateChunkSize: 8 });
      const [a, b] = bytes.tee();
      const reader = a.getReader({ mode: "byob" });
      const byob = [];
      for (;;) { const { value, done } = await reader.read(new Uint8Array(4)); if (done) break; byob.push(...value); }
      const iterated = []; for await (const chunk of b) iterated.push(...chunk);
      const from = []; for await (const x of ReadableStream.from((async function* () { yield 1; yield 2; })())) from.push(x);
      return Response.json({ byob, iterated, from });`)());
    expect(got).toEqual({ byob: [0, 1, 2], iterated: [0, 1, 2], from: [1, 2] });
  });
});

describe("encoding streams and Workers' byte streams", () => {
  it("TextDecoderStream joins characters split across chunks; TextEncoderStream joins split surrogate pairs", async () => {
    const w = inWorker(`${FROM_B64}
      const decoded = [];
      for await (const s of ReadableStream.from(input.chunks.map(fromB64)).pipeThrough(new TextDecoderStream())) decoded.push(s);
      const encoded = await collect(ReadableStream.from(input.strings).pipeThrough(new TextEncoderStream()));
      return Response.json({ decoded: decoded.join(""), encoded: toB64(encoded) });`);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 30 }), fc.array(fc.nat(200), { maxLength: 4 }), async (text, cuts) => {
        const bytes = Buffer.from(text, "utf8");
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
        const chunks = [0, ...points, bytes.length].slice(0, -1).map((start, i, arr) => bytes.subarray(start, arr[i + 1] ?? bytes.length));
        const codeUnits = [...Array(text.length).keys()];
        const split = points.map((p) => Math.min(p, text.length)).filter((p) => codeUnits.includes(p));
        const strings = [0, ...split, text.length].slice(0, -1).map((s, i, arr) => text.slice(s, arr[i + 1] ?? text.length));
        const got = await json<{ decoded: string; encoded: string }>(w({ chunks: chunks.map((c) => b64(c)), strings }));
        expect(got.decoded).toBe(text);
        expect(got.encoded).toBe(b64(bytes));
      }),
      { numRuns: 20 },
    );
  });

  it("IdentityTransformStream passes bytes only; FixedLengthStream refuses too many or too few bytes", async () => {
    const got = await json(inWorker(`
      const outcome = async (stream, chunks) => {
        const writer = stream.writable.getWriter();
        const read = new Response(stream.readable).text().then((t) => "read " + t.length, (e) => e.message);
        try { for (const c of chunks) await writer.write(c); await writer.close(); } catch (e) { return e.message; }
        return read;
      };
      return Response.json({
        identity: await outcome(new IdentityTransformStream(), [new Uint8Array(3), new ArrayBuffer(2)]),
        notBytes: await outcome(new IdentityTransformStream(), ["text"]),
        exact: await outcome(new FixedLengthStream(4), [new Uint8Array(4)]),
        tooMany: await outcome(new FixedLengthStream(4), [new Uint8Array(5)]),
        tooFew: await outcome(new FixedLengthStream(4), [new Uint8Array(3)]),
      });`)());
    expect(got).toEqual({
      identity: "read 5",
      notBytes: "This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.",
      exact: "read 4",
      tooMany: "Attempt to write too many bytes through a FixedLengthStream.",
      tooFew: "FixedLengthStream did not see all expected bytes before close().",
    });
  });

  it("crypto.DigestStream hashes what is written, as node:crypto does, for every algorithm it offers", async () => {
    const w = inWorker(`${FROM_B64}
      const out = {};
      for (const alg of ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5"]) {
        const stream = new crypto.DigestStream(alg);
        await ReadableStream.from(input.map(fromB64)).pipeTo(stream);
        out[alg] = [toB64(new Uint8Array(await stream.digest)), stream.bytesWritten];
      }
      return Response.json(out);`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 4 }), async (chunks) => {
        const all = Buffer.concat(chunks);
        const got = await json(w(chunks.map(b64)));
        const node = (alg: string): [string, number] => [createHash(alg).update(all).digest("base64"), all.length];
        expect(got).toEqual({ "SHA-1": node("sha1"), "SHA-256": node("sha256"), "SHA-384": node("sha384"), "SHA-512": node("sha512"), MD5: node("md5") });
      }),
      { numRuns: 10 },
    );
  });
});
