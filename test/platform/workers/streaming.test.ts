// Streamed bodies through Workers: a body the worker's code does not read stays on the host and
// is piped through (it never enters the isolate); a body it reads is pulled chunk by chunk; a
// read body cannot be passed on; handles from the isolate are checked; nothing outlives its
// request. Streaming is proved by order (the caller sees the first chunk before the origin has
// finished) and by memory (a body larger than the isolate may hold), never by timing.
import { createHash } from "node:crypto";
import { fc } from "@fast-check/vitest";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { inlineIfComplete } from "../../../src/workers/body-streams.js";
import { resolveWorkerConfig } from "../../../src/workers/config.js";
import { HostBridge, type OriginFetcher } from "../../../src/workers/host-bridge.js";
import { Worker, type WorkerConfig } from "../../../src/workers/index.js";
import { BODY_INLINE_BYTES_MAX } from "../../../src/workers/limits.js";
import { FakeDurableObjectNamespace } from "./fakes.js";

const MB = 1024 * 1024;
const clock = new VirtualClock(0);
const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));

const PASS_THROUGH = `export default { fetch(request) { return fetch(request); } };`;

function deploy(source: string, config: Partial<WorkerConfig>, origin?: OriginFetcher): Worker {
  // A generous CPU budget where bodies are read: the question here is never CPU.
  const w = new Worker(source, { name: `streaming${workers.length}`, cpuMsMax: 5_000, ...config }, origin ? { clock, origin } : { clock });
  workers.push(w);
  return w;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Byte i of every test body: a pattern, so a reordered or repeated chunk changes the hash. */
function patterned(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((offset + i) * 31 + ((offset + i) >> 12)) & 0xff;
  return bytes;
}

interface Source {
  stream: ReadableStream<Uint8Array>;
  /** True once the consumer cancelled the stream (the host released it). */
  readonly cancelled: boolean;
  readonly sha256: string;
}

/** `size` patterned bytes in `chunk`-byte chunks, produced only as they are pulled. */
function source(size: number, chunk = MB): Source {
  let sent = 0;
  let cancelled = false;
  const hash = createHash("sha256");
  for (let at = 0; at < size; at += chunk) hash.update(patterned(at, Math.min(chunk, size - at)));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk, size - sent);
      controller.enqueue(patterned(sent, n));
      sent += n;
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, get cancelled() { return cancelled; }, sha256: hash.digest("hex") };
}

async function sha256(stream: ReadableStream<Uint8Array> | null): Promise<{ bytes: number; hex: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  const reader = (stream ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    hash.update(chunk.value);
    bytes += chunk.value.byteLength;
  }
  return { bytes, hex: hash.digest("hex") };
}

function post(url: string, body: ReadableStream<Uint8Array> | string): Request {
  return new Request(url, { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("a body the worker does not read is passed through by the host", () => {
  it("a 16 MB download passes through a worker whose isolate may use 32 MB, and none of it enters the heap", async () => {
    const body = source(16 * MB);
    const w = deploy(PASS_THROUGH, { memoryMbMax: 32 }, async () => new Response(body.stream, { headers: { "content-type": "application/octet-stream" } }));
    const r = await w.fetch(new Request("https://edge.example/big"));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    expect(r.response.headers.get("content-type")).toBe("application/octet-stream");
    expect(await sha256(r.response.body)).toEqual({ bytes: 16 * MB, hex: body.sha256 });
    // The isolate's heap after the request holds the runtime, not the body.
    expect(w.heapBytes).toBeLessThan(8 * MB);
  });

  it("a 16 MB upload passes through a worker whose isolate may use 32 MB and reaches the origin intact", async () => {
    const upload = source(16 * MB);
    const w = deploy(PASS_THROUGH, { memoryMbMax: 32 }, async (request) => {
      const seen = await sha256(request.body);
      return new Response(`${seen.bytes} ${seen.hex}`);
    });
    const r = await w.fetch(post("https://edge.example/upload", upload.stream));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    expect(await r.response.text()).toBe(`${16 * MB} ${upload.sha256}`);
    expect(w.heapBytes).toBeLessThan(8 * MB);
  });

  it("concurrent requests on one isolate each pass their own body on, and get their own answer's body back", async () => {
    const w = deploy(
      `export default { async fetch(request) {
        const r = await fetch(request);
        return new Response(r.body, { headers: { "x-seen": r.headers.get("x-seen") } });
      } };`,
      {},
      async (request) => {
        const seen = await sha256(request.body);
        return new Response(source(seen.bytes, 100_000).stream, { headers: { "x-seen": seen.hex } });
      },
    );
    const uploads = Array.from({ length: 8 }, (_, i) => source(200_000 + i * 50_000, 70_000));
    const results = await Promise.all(uploads.map((upload) => w.fetch(post("https://edge.example/echo", upload.stream))));
    for (const [i, r] of results.entries()) {
      expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
      expect(r.response.headers.get("x-seen")).toBe(uploads[i]!.sha256);
      expect(await sha256(r.response.body)).toEqual({ bytes: 200_000 + i * 50_000, hex: uploads[i]!.sha256 });
    }
    expect(w.openBodyStreams).toBe(0);
  });

  it("the first chunk of a slow origin response reaches the caller before the origin has finished", async () => {
    const release = deferred();
    let originFinished = false;
    const slow = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("first "));
      },
      async pull(controller) {
        await release.promise;
        originFinished = true;
        controller.enqueue(new TextEncoder().encode("last"));
        controller.close();
      },
    }, { highWaterMark: 0 });
    // The worker rebuilds both messages, as Workers code does to change headers.
    const w = deploy(
      `export default { async fetch(request) {
        const r = await fetch(new Request("https://origin.example/slow", request));
        const out = new Response(r.body, r);
        out.headers.set("x-worker", "yes");
        return out;
      } };`,
      {},
      async () => new Response(slow, { headers: { "x-origin": "1" } }),
    );
    const r = await w.fetch(new Request("https://edge.example/slow"));
    expect(r.response.headers.get("x-worker")).toBe("yes");
    expect(r.response.headers.get("x-origin")).toBe("1");
    const reader = r.response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("first ");
    expect(originFinished).toBe(false);
    release.resolve();
    const rest = await reader.read();
    expect(new TextDecoder().decode(rest.value)).toBe("last");
    expect(originFinished).toBe(true);
    expect((await reader.read()).done).toBe(true);
  });

  it("the first chunk of an upload reaches the origin before the client has finished sending it", async () => {
    let client!: ReadableStreamDefaultController<Uint8Array>;
    const upload = new ReadableStream<Uint8Array>({ start: (c) => void (client = c) });
    const firstAtOrigin = deferred();
    let clientFinished = false;
    const w = deploy(PASS_THROUGH, {}, async (request) => {
      const reader = request.body!.getReader();
      const first = await reader.read();
      const firstBeforeEnd = !clientFinished;
      firstAtOrigin.resolve();
      let text = new TextDecoder().decode(first.value);
      for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
      return Response.json({ text, firstBeforeEnd });
    });
    client.enqueue(new TextEncoder().encode("hello "));
    const pending = w.fetch(post("https://edge.example/upload", upload));
    await firstAtOrigin.promise;
    clientFinished = true;
    client.enqueue(new TextEncoder().encode("world"));
    client.close();
    const r = await pending;
    expect(await r.response.json()).toEqual({ text: "hello world", firstBeforeEnd: true });
  });

  it("a Durable Object echoing a streamed upload answers the caller before the upload has ended", async () => {
    const ns = new FakeDurableObjectNamespace();
    const w = deploy(
      `export class Echo { async fetch(request) { return new Response(request.body, { headers: { "x-from": "object" } }); } }
       export default { fetch(request, env) { return env.ECHO.get(env.ECHO.idFromName("one")).fetch(request); } };`,
      { durableObjects: { ECHO: ns } },
    );
    ns.factory = w.durableObjectFactory("Echo");
    let client!: ReadableStreamDefaultController<Uint8Array>;
    const upload = new ReadableStream<Uint8Array>({ start: (c) => void (client = c) });
    client.enqueue(new TextEncoder().encode("ping "));
    const r = await w.fetch(post("https://edge.example/echo", upload));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    expect(r.response.headers.get("x-from")).toBe("object");
    const reader = r.response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("ping ");
    client.enqueue(new TextEncoder().encode("pong"));
    client.close();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("pong");
    expect((await reader.read()).done).toBe(true);
  });
});

describe("a short body already complete in memory crosses as bytes", () => {
  async function drain(body: ArrayBuffer | ReadableStream<Uint8Array>): Promise<Uint8Array> {
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    return new Uint8Array(await new Response(body).arrayBuffer());
  }
  const concat = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

  it("is inlined only when it is whole and short, never waits for more, and keeps every byte in order", async () => {
    const chunk = fc.uint8Array({ maxLength: 40_000 }).map((b) => new Uint8Array(b));
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 5 }), fc.constantFrom("whole", "still arriving", "fails"), async (chunks, ending) => {
        let more!: ReadableStreamDefaultController<Uint8Array>;
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            more = c;
            for (const b of chunks) c.enqueue(b);
            if (ending === "whole") c.close();
            if (ending === "fails") c.error(new Error("connection reset"));
          },
        });
        const total = chunks.reduce((n, b) => n + b.byteLength, 0);
        // Returns at once even when the body is still arriving: nothing here waits for I/O.
        const body = await inlineIfComplete(stream);
        expect(body instanceof ArrayBuffer).toBe(ending === "whole" && total <= BODY_INLINE_BYTES_MAX);
        if (ending === "still arriving") {
          more.enqueue(new Uint8Array([1, 2, 3]));
          more.close();
          expect(await drain(body)).toEqual(concat([...chunks, new Uint8Array([1, 2, 3])]));
        } else if (ending === "fails") {
          // Whatever was read before the failure comes first, then the failure.
          const reader = (body as ReadableStream<Uint8Array>).getReader();
          const got: Uint8Array[] = [];
          await expect((async () => {
            for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
          })()).rejects.toThrow("connection reset");
          expect(concat(got)).toEqual(concat(chunks).subarray(0, concat(got).byteLength));
        } else {
          expect(await drain(body)).toEqual(concat(chunks));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("a body the worker reads is pulled from the host chunk by chunk", () => {
  it("text(), arrayBuffer(), a reader and for await all see the origin's bytes", async () => {
    const size = 3 * MB + 12_345;
    const hashes = new Map<string, string>();
    const w = deploy(
      `const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
      export default { async fetch(request) {
        const how = new URL(request.url).pathname.slice(1);
        const r = await fetch("https://origin.example/");
        if (how === "arrayBuffer") {
          const b = await r.arrayBuffer();
          return Response.json({ bytes: b.byteLength, hex: hex(await crypto.subtle.digest("SHA-256", b)) });
        }
        if (how === "text") return Response.json({ length: (await r.text()).length, used: r.bodyUsed });
        const chunks = [];
        if (how === "reader") {
          const reader = r.body.getReader();
          for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push(c.value);
        } else {
          for await (const c of r.body) chunks.push(c);
        }
        const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
        let at = 0;
        for (const c of chunks) { all.set(c, at); at += c.byteLength; }
        return Response.json({ bytes: all.byteLength, hex: hex(await crypto.subtle.digest("SHA-256", all)), chunks: chunks.length, locked: r.body.locked, used: r.bodyUsed });
      } };`,
      {},
      async () => {
        const body = source(size);
        hashes.set("last", body.sha256);
        return new Response(body.stream);
      },
    );
    const ask = async (how: string): Promise<Record<string, unknown>> => {
      const r = await w.fetch(new Request(`https://edge.example/${how}`));
      expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
      return (await r.response.json()) as Record<string, unknown>;
    };
    expect(await ask("arrayBuffer")).toEqual({ bytes: size, hex: hashes.get("last") });
    expect(await ask("text")).toEqual({ length: expect.any(Number), used: true });
    for (const how of ["reader", "iterate"]) {
      const got = await ask(how);
      expect(got).toMatchObject({ bytes: size, hex: hashes.get("last"), locked: how === "reader", used: true });
      // Each read copies at most one bounded piece into the isolate.
      expect(got["chunks"] as number).toBeGreaterThan(3);
    }
  });

  it("a body larger than the isolate's memory can be read in chunks; holding it whole ends the isolate with 1102", async () => {
    const origins: Source[] = [];
    const w = deploy(
      `export default { async fetch(request) {
        const r = await fetch("https://origin.example/");
        if (new URL(request.url).pathname === "/whole") return new Response(String((await r.arrayBuffer()).byteLength));
        let n = 0;
        for await (const chunk of r.body) n += chunk.byteLength;
        return new Response(String(n));
      } };`,
      { memoryMbMax: 16 },
      async () => {
        const body = source(32 * MB);
        origins.push(body);
        return new Response(body.stream);
      },
    );
    const counted = await w.fetch(new Request("https://edge.example/count"));
    expect(counted.outcome, JSON.stringify(counted.logs)).toBe("ok");
    expect(await counted.response.text()).toBe(String(32 * MB));
    const whole = await w.fetch(new Request("https://edge.example/whole"));
    expect(whole.outcome).toBe("exceededMemory");
    expect(whole.response.status).toBe(503);
    expect(await whole.response.text()).toBe("error code: 1102");
    // The dead isolate's stream was released: the origin saw the cancellation.
    expect(origins[1]!.cancelled).toBe(true);
    expect(w.openBodyStreams).toBe(0);
  });
});

describe("a body can be used once, as in Workers", () => {
  const USED_WORKER = `export default { async fetch(request) {
    const path = new URL(request.url).pathname;
    const errorOf = async (f) => { try { await f(); return null; } catch (e) { return e.name + ": " + e.message; } };
    if (path === "/request") {
      const text = await request.text();
      return Response.json({ text, used: request.bodyUsed, forward: await errorOf(() => fetch(request)), again: await errorOf(() => request.text()) });
    }
    if (path === "/forwarded") {
      const r = await fetch(request);
      return Response.json({ status: r.status, used: request.bodyUsed, locked: request.body.locked, twice: await errorOf(() => fetch(request)) });
    }
    const r = await fetch("https://origin.example/");
    if (path === "/partial") {
      const reader = r.body.getReader();
      await reader.read();
      reader.releaseLock();
      return Response.json({ used: r.bodyUsed, rewrap: await errorOf(() => new Response(r.body)), text: await errorOf(() => r.text()), clone: await errorOf(() => r.clone()) });
    }
    if (path === "/locked") {
      r.body.getReader();
      return Response.json({ used: r.bodyUsed, locked: r.body.locked, rewrap: await errorOf(() => new Response(r.body)), text: await errorOf(() => r.text()) });
    }
    await r.text();
    return r; // already read: cannot be the answer
  } };`;

  it("a read request body cannot be sent on, and a sent one cannot be read or sent again", async () => {
    const w = deploy(USED_WORKER, {}, async (request) => new Response(`origin got ${await request.text()}`));
    const read = await w.fetch(post("https://edge.example/request", "payload"));
    expect(await read.response.json()).toEqual({
      text: "payload",
      used: true,
      forward: "TypeError: Cannot reconstruct a Request with a used body.",
      again: "TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice.",
    });
    const forwarded = await w.fetch(post("https://edge.example/forwarded", "payload"));
    expect(await forwarded.response.json()).toEqual({ status: 200, used: true, locked: true, twice: "TypeError: Cannot reconstruct a Request with a used body." });
  });

  it("a response body that was read from, or is locked to a reader, cannot be used as a body", async () => {
    const w = deploy(USED_WORKER, {}, async () => new Response(source(MB, 64 * 1024).stream));
    const partial = await w.fetch(new Request("https://edge.example/partial"));
    expect(await partial.response.json()).toEqual({
      used: true,
      rewrap: "TypeError: This ReadableStream is disturbed (has already been read from), and cannot be used as a body.",
      text: "TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice.",
      clone: "TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice.",
    });
    const locked = await w.fetch(new Request("https://edge.example/locked"));
    expect(await locked.response.json()).toEqual({
      used: false,
      locked: true,
      rewrap: "TypeError: This ReadableStream is currently locked to a reader.",
      text: "TypeError: This ReadableStream is currently locked to a reader.",
    });
    const returned = await w.fetch(new Request("https://edge.example/returned"));
    expect(returned.outcome).toBe("exception");
    expect(returned.response.status).toBe(500);
    expect(returned.logs.some((l) => l.message.includes("This ReadableStream is disturbed"))).toBe(true);
  });
});

describe("clone() and tee() of a streamed body", () => {
  it("give both readers the same bytes, and a branch left unread can still be passed on whole", async () => {
    let expected = "";
    const w = deploy(
      `const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
      const digest = async (body) => hex(await crypto.subtle.digest("SHA-256", await new Response(body).arrayBuffer()));
      export default { async fetch(request) {
        const path = new URL(request.url).pathname;
        const r = await fetch("https://origin.example/");
        if (path === "/clone") {
          const c = r.clone();
          const [a, b] = await Promise.all([digest(r.body), digest(c.body)]);
          return Response.json({ a, b });
        }
        if (path === "/tee") {
          const [x, y] = r.body.tee();
          const [dx, dy] = await Promise.all([digest(x), digest(y)]);
          return Response.json({ dx, dy, locked: r.body.locked });
        }
        // Read one branch here, pass the other on untouched: it reaches the caller whole.
        const c = r.clone();
        const out = new Response(r.body, r);
        out.headers.set("x-digest", await digest(c.body));
        return out;
      } };`,
      {},
      async () => {
        const body = source(2 * MB + 7, 300_000);
        expected = body.sha256;
        return new Response(body.stream);
      },
    );
    const cloned = await w.fetch(new Request("https://edge.example/clone"));
    expect(await cloned.response.json()).toEqual({ a: expected, b: expected });
    const teed = await w.fetch(new Request("https://edge.example/tee"));
    expect(await teed.response.json()).toEqual({ dx: expected, dy: expected, locked: true });
    const split = await w.fetch(new Request("https://edge.example/split"));
    expect(split.outcome, JSON.stringify(split.logs)).toBe("ok");
    expect(split.response.headers.get("x-digest")).toBe(expected);
    expect((await sha256(split.response.body)).hex).toBe(expected);
  });
});

describe("streams made by the worker's code", () => {
  it("a ReadableStream with start/pull/cancel, or ReadableStream.from, can be a response or request body", async () => {
    const w = deploy(
      `export default { async fetch(request) {
        const path = new URL(request.url).pathname;
        const enc = new TextEncoder();
        if (path === "/pull") {
          let i = 0;
          return new Response(new ReadableStream({ pull(c) { if (i === 3) c.close(); else c.enqueue(enc.encode("part" + i++ + " ")); } }));
        }
        if (path === "/from") return new Response(ReadableStream.from((async function* () { yield enc.encode("a"); yield new Uint8Array([98]); })()));
        if (path === "/upload") {
          const body = new ReadableStream({ start(c) { c.enqueue(enc.encode("up")); c.enqueue(enc.encode("load")); c.close(); } });
          return fetch("https://origin.example/", { method: "POST", body });
        }
        if (path === "/cancel") {
          let reason = null;
          const s = new ReadableStream({ start(c) { c.enqueue(1); }, cancel(r) { reason = r; } });
          const reader = s.getReader();
          const first = await reader.read();
          await reader.cancel("enough");
          return Response.json({ first: first.value, reason, after: await reader.read() });
        }
        return new Response(new ReadableStream({ start(c) { c.enqueue("not bytes"); c.close(); } }));
      } };`,
      {},
      async (request) => new Response(`origin got ${await request.text()}`),
    );
    const text = async (path: string): Promise<string> => {
      const r = await w.fetch(new Request(`https://edge.example${path}`));
      expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
      return r.response.text();
    };
    expect(await text("/pull")).toBe("part0 part1 part2 ");
    expect(await text("/from")).toBe("ab");
    expect(await text("/upload")).toBe("origin got upload");
    expect(JSON.parse(await text("/cancel"))).toEqual({ first: 1, reason: "enough", after: { done: true } });
    const bad = await w.fetch(new Request("https://edge.example/strings"));
    expect(bad.outcome).toBe("exception");
    expect(bad.logs.some((l) => l.message.includes("This ReadableStream did not return bytes."))).toBe(true);
  });
});

describe("body stream handles", () => {
  it("a body kept by the tenant's code past its request names nothing: reading, sending or returning it is a TypeError", async () => {
    const origins: Source[] = [];
    const w = deploy(
      `let keptRequest = null;
      const keptResponses = [];
      export default { async fetch(request) {
        const path = new URL(request.url).pathname;
        if (path === "/keep") {
          keptRequest = request;
          keptResponses.push(await fetch("https://origin.example/"), await fetch("https://origin.example/"));
          return new Response("kept");
        }
        if (path === "/return") return keptResponses[1];
        const errorOf = async (f) => { try { await f(); return null; } catch (e) { return e.name + ": " + e.message; } };
        return Response.json({ send: await errorOf(() => fetch(keptRequest)), read: await errorOf(() => keptResponses[0].arrayBuffer()) });
      } };`,
      {},
      async (request) => {
        if (request.body !== null) return new Response("the origin got the kept body");
        const body = source(MB);
        origins.push(body);
        return new Response(body.stream);
      },
    );
    const kept = await w.fetch(post("https://edge.example/keep", source(MB).stream));
    expect(await kept.response.text()).toBe("kept");
    expect(w.openBodyStreams).toBe(0);
    expect(origins.map((o) => o.cancelled)).toEqual([true, true]);
    const later = await w.fetch(new Request("https://edge.example/later"));
    const got = (await later.response.json()) as Record<string, string>;
    for (const key of ["send", "read"]) expect(got[key], key).toMatch(/^TypeError: body stream \d+ is no longer available/);
    const returned = await w.fetch(new Request("https://edge.example/return"));
    expect(returned.outcome).toBe("exception");
    expect(returned.logs.some((l) => /body stream \d+ is no longer available/.test(l.message))).toBe(true);
  });

  it("forged, reused or foreign handles from the isolate are refused with a TypeError; the host and the origin never see them", async () => {
    let originCalls = 0;
    const origin: OriginFetcher = async () => {
      originCalls++;
      return new Response(source(1000).stream);
    };
    const bridge = new HostBridge(resolveWorkerConfig({ name: "forged" }), clock, origin, async () => {});
    const other = new HostBridge(resolveWorkerConfig({ name: "other" }), clock, origin, async () => {});
    const scope = bridge.bodies.open();
    const live = [1, 2, 3].map(() => bridge.bodies.register(source(100).stream, [scope]));
    const wire = (body: unknown) => ({ method: "POST", url: "https://origin.example/", headers: [], body });
    const refused = async (reply: Promise<{ e?: { name: string; message: string } }> | { e?: { name: string; message: string } }): Promise<void> => {
      const r = await reply;
      expect(r.e?.name).toBe("TypeError");
      expect(r.e?.message).toMatch(/body stream|body from the isolate/);
    };
    const forged = fc.oneof(
      fc.integer({ min: Math.max(...live) + 1 }),
      fc.integer({ max: 0 }),
      fc.double().filter((d) => !Number.isInteger(d)),
      fc.string(),
      fc.anything().filter((v) => typeof v !== "number"),
    );
    await fc.assert(
      fc.asyncProperty(forged, async (handle) => {
        await refused(bridge.asyncCall("fetch", [wire({ stream: handle })]));
        await refused(bridge.asyncCall("body.read", [handle]));
        await refused(bridge.syncCall("body.tee", [handle]));
      }),
      { numRuns: 200 },
    );
    // A body that is not null, bytes or a handle.
    for (const body of ["text", 7, [1], { handle: 1 }]) await refused(bridge.asyncCall("fetch", [wire(body)]));
    expect(originCalls).toBe(0);
    // A handle used once is gone: sending it on twice, or reading it after, fails.
    const sent = await bridge.asyncCall("fetch", [wire({ stream: live[0] })]);
    expect(sent.e).toBeUndefined();
    await refused(bridge.asyncCall("fetch", [wire({ stream: live[0] })]));
    await refused(bridge.asyncCall("body.read", [live[0]]));
    // Another isolate's handle names nothing here, even while it is live there.
    const otherScope = other.bodies.open();
    const foreign = [1, 2, 3, 4, 5].map(() => other.bodies.register(source(10).stream, [otherScope])).at(-1)!;
    await refused(bridge.asyncCall("body.read", [foreign]));
    // A read of one piece, then the same handle cannot be sent on: it has been read from.
    expect((await bridge.asyncCall("body.read", [live[1]])).v).toBeInstanceOf(ArrayBuffer);
    await refused(bridge.asyncCall("fetch", [wire({ stream: live[1] })]));
    expect(originCalls).toBe(1);
    bridge.bodies.close(scope);
    other.bodies.close(otherScope);
    expect(bridge.bodies.size).toBe(0);
    expect(other.bodies.size).toBe(0);
  });

  it("are released when the request ends, whatever the worker did with the bodies", async () => {
    const origins: Source[] = [];
    const w = deploy(
      `export default { async fetch(request, env, ctx) {
        const path = new URL(request.url).pathname;
        const sub = () => fetch("https://origin.example/");
        if (path === "/ignore") { await sub(); return new Response("ignored"); }
        if (path === "/pass") return sub();
        if (path === "/read") { await (await sub()).text(); return new Response("read"); }
        if (path === "/clone") { const r = await sub(); await r.clone().text(); return new Response("one branch read"); }
        if (path === "/partial") { const r = await sub(); await r.body.getReader().read(); return new Response("partly read"); }
        if (path === "/throw") { await sub(); throw new Error("after fetch"); }
        if (path === "/wait") { ctx.waitUntil(sub().then((r) => r.text())); return new Response("later"); }
        if (path === "/spin") { await sub(); for (;;) {} }
        return new Response("request body ignored");
      } };`,
      { cpuMsMax: 500 },
      async () => {
        const body = source(MB, 64 * 1024);
        origins.push(body);
        return new Response(body.stream);
      },
    );
    for (const [path, outcome] of [["/ignore", "ok"], ["/pass", "ok"], ["/read", "ok"], ["/clone", "ok"], ["/partial", "ok"], ["/throw", "exception"], ["/wait", "ok"], ["/spin", "exceededCpu"]] as const) {
      const before = origins.length;
      const r = await w.fetch(new Request(`https://edge.example${path}`));
      expect(r.outcome, `${path}: ${JSON.stringify(r.logs)}`).toBe(outcome);
      await r.waitUntil;
      if (path === "/pass") await sha256(r.response.body);
      else await r.response.arrayBuffer();
      expect(w.openBodyStreams, path).toBe(0);
      // What nobody read to the end was cancelled, which frees the origin's connection.
      const body = origins[before]!;
      if (path === "/ignore" || path === "/partial" || path === "/throw" || path === "/spin") expect(body.cancelled, path).toBe(true);
    }
    // The incoming request's body belongs to the caller: it is let go, never cancelled.
    const upload = source(MB);
    const r = await w.fetch(post("https://edge.example/upload", upload.stream));
    expect(await r.response.text()).toBe("request body ignored");
    expect(w.openBodyStreams).toBe(0);
    expect(upload.cancelled).toBe(false);
  });

  it("passThroughOnException sends the unread request body to the origin; a streamed one that was read cannot be sent and gives 1101", async () => {
    const w = deploy(
      `export default { async fetch(request, env, ctx) {
        ctx.passThroughOnException();
        if (new URL(request.url).pathname === "/read") await request.text();
        throw new Error("bug");
      } };`,
      {},
      async (request) => new Response(`origin got ${(await sha256(request.body)).bytes} bytes`),
    );
    const upload = source(4 * MB);
    const passed = await w.fetch(post("https://edge.example/unread", upload.stream));
    expect(passed.outcome).toBe("exception");
    expect(await passed.response.text()).toBe(`origin got ${4 * MB} bytes`);
    const read = await w.fetch(post("https://edge.example/read", source(MB).stream));
    expect(read.response.status).toBe(500);
    expect(read.logs.some((l) => l.message.includes("passThroughOnException: the request cannot be passed on"))).toBe(true);
  });
});
