import { createHash } from "node:crypto";
import { fc, test as propTest } from "@fast-check/vitest";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { EdgeError } from "../../src/core/errors.js";
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { createProxyOrigin, isLoopbackHostname, RESPONSE_BUFFER_BYTES_MAX, withoutHopByHop } from "../../src/proxy/index.js";
import { responseBodyStream } from "../../src/proxy/body-stream.js";
import { deferred, freePort, startOrigin, type TestOrigin } from "./origin-server.js";

const MB = 1024 * 1024;
const CTX = { clientIp: "198.51.100.7", pop: "LHR" };
const origins: TestOrigin[] = [];
const proxies: { close(): void }[] = [];

afterEach(() => {
  for (const p of proxies.splice(0)) p.close();
});
afterAll(async () => {
  await Promise.all(origins.map((o) => o.close()));
});

async function origin(handler: Parameters<typeof startOrigin>[0]): Promise<TestOrigin> {
  const o = await startOrigin(handler);
  origins.push(o);
  return o;
}

function proxyTo(originUrl: string, extra: { timeoutMs?: number; preserveHost?: boolean } = {}): ReturnType<typeof createProxyOrigin> {
  const p = createProxyOrigin({ originUrl, ...extra });
  proxies.push(p);
  return p;
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Deterministic pseudo-random bytes (failures must replay): one xorshift MB, repeated with
 * each MB stamped with its index so a reordered or repeated chunk changes the hash.
 */
function bytes(size: number, seed: number): Uint8Array {
  const block = new Uint8Array(MB);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < MB; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  const out = new Uint8Array(size);
  for (let offset = 0, index = 0; offset < size; offset += MB, index++) {
    out.set(block.subarray(0, Math.min(MB, size - offset)), offset);
    new DataView(out.buffer).setUint32(offset, index);
  }
  return out;
}

describe("request headers (RFC 9110 §7.6)", () => {
  test("drops hop-by-hop fields and those Connection names, appends Via and X-Forwarded-For, sets CF-Connecting-IP", async () => {
    const o = await origin((_req, res) => res.end("ok"));
    const proxy = proxyTo(o.url);
    const response = await proxy(
      new Request("http://shop.example.test/cart?x=1", {
        headers: {
          host: "shop.example.test",
          connection: "keep-alive, X-Secret-Hop",
          "x-secret-hop": "must not pass",
          "keep-alive": "timeout=5",
          "proxy-connection": "keep-alive",
          te: "trailers",
          trailer: "X-Checksum",
          upgrade: "websocket",
          "proxy-authorization": "Basic dXNlcjpwYXNz",
          "x-end-to-end": "kept",
          via: "1.0 corporate-proxy",
          "x-forwarded-for": "203.0.113.9",
          "cf-connecting-ip": "6.6.6.6",
        },
      }),
      CTX,
    );
    expect(await response.text()).toBe("ok");
    const seen = o.seen.at(-1)!;
    for (const name of ["x-secret-hop", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization", "transfer-encoding"]) {
      expect(seen.headers[name], name).toBeUndefined();
    }
    // Node's keep-alive agent writes its own Connection for the new hop; the client's is gone.
    expect(seen.headers.connection).toBe("keep-alive");
    expect(seen.headers["x-end-to-end"]).toBe("kept");
    expect(seen.headers.via).toBe("1.0 corporate-proxy, 1.1 edge-kata");
    expect(seen.headers["x-forwarded-for"]).toBe("203.0.113.9, 198.51.100.7");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["cf-connecting-ip"]).toBe("198.51.100.7");
    expect(seen.headers.host).toBe("shop.example.test");
    expect(seen.url).toBe("/cart?x=1");
  });

  test("Host: the client's by default, taken from the URL when the Request has no Host header", async () => {
    const o = await origin((_req, res) => res.end());
    await (await proxyTo(o.url)(new Request("https://blog.example.test:8443/"), CTX)).text();
    expect(o.seen.at(-1)!.headers.host).toBe("blog.example.test:8443");
    expect(o.seen.at(-1)!.headers["x-forwarded-proto"]).toBe("https");
    expect(o.seen.at(-1)!.headers["x-forwarded-for"]).toBe("198.51.100.7");
    expect(o.seen.at(-1)!.headers.via).toBe("1.1 edge-kata");
  });

  test("Host: the origin's own host when preserveHost is false; a path prefix in originUrl is kept", async () => {
    const o = await origin((_req, res) => res.end());
    await (await proxyTo(`${o.url}/app/`, { preserveHost: false })(new Request("http://blog.example.test/posts?id=3"), CTX)).text();
    expect(o.seen.at(-1)!.headers.host).toBe(`127.0.0.1:${o.port}`);
    expect(o.seen.at(-1)!.url).toBe("/app/posts?id=3");
  });

  propTest.prop([fc.uniqueArray(fc.stringMatching(/^x-[a-z]{1,8}$/), { minLength: 1, maxLength: 6 }), fc.stringMatching(/^y-[a-z]{1,8}$/)], { numRuns: 50 })(
    "withoutHopByHop: every field Connection names is removed and every other end-to-end field kept",
    (named, kept) => {
      const headers = new Headers({ connection: named.join(", "), [kept]: "v" });
      for (const name of named) headers.set(name, "hop");
      const out = withoutHopByHop(headers);
      for (const name of named) expect(out.has(name)).toBe(false);
      expect(out.has("connection")).toBe(false);
      expect(out.get(kept)).toBe("v");
    },
  );
});

describe("connection reuse", () => {
  propTest.prop([fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 24 })], { numRuns: 10 })(
    "concurrent requests over the keep-alive pool each get their own origin's answer, in full",
    async (names) => {
      const o = await origin((req, res) => {
        const body = `answer for ${req.url}`.repeat(50);
        // Alternate framing so both Content-Length and chunked bodies share the pooled sockets.
        if (req.url!.length % 2 === 0) res.setHeader("content-length", Buffer.byteLength(body));
        res.end(body);
      });
      const proxy = proxyTo(o.url);
      const answers = await Promise.all(names.map(async (name) => (await proxy(new Request(`http://site.test/${name}`), CTX)).text()));
      answers.forEach((answer, i) => expect(answer).toBe(`answer for /${names[i]}`.repeat(50)));
    },
  );
});

describe("response headers", () => {
  test("drops the origin's hop-by-hop fields, keeps end-to-end ones and each Set-Cookie, appends Via", async () => {
    const o = await origin((_req, res) => {
      res.setHeader("connection", "X-Origin-Hop");
      res.setHeader("x-origin-hop", "secret");
      res.setHeader("keep-alive", "timeout=5");
      res.setHeader("proxy-authenticate", "Basic realm=x");
      res.setHeader("trailer", "X-Checksum");
      res.setHeader("upgrade", "h2c");
      res.setHeader("via", "1.1 app-server");
      res.setHeader("x-end", "yes");
      res.setHeader("set-cookie", ["a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT", "b=2"]);
      res.write("chunked ");
      res.end("body");
    });
    const response = await proxyTo(o.url)(new Request("http://site.test/"), CTX);
    for (const name of ["connection", "x-origin-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade", "transfer-encoding"]) {
      expect(response.headers.has(name), name).toBe(false);
    }
    expect(response.headers.get("x-end")).toBe("yes");
    expect(response.headers.get("via")).toBe("1.1 app-server, 1.1 edge-kata");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT", "b=2"]);
    expect(await response.text()).toBe("chunked body");
  });

  test("HEAD and 304 answers carry no body stream", async () => {
    const o = await origin((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        return res.end();
      }
      res.writeHead(200, { "content-length": "5", etag: '"v1"' });
      res.end(req.method === "HEAD" ? undefined : "hello");
    });
    const proxy = proxyTo(o.url);
    const head = await proxy(new Request("http://site.test/", { method: "HEAD" }), CTX);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get("content-length")).toBe("5");
    const notModified = await proxy(new Request("http://site.test/", { headers: { "if-none-match": '"v1"' } }), CTX);
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
  });
});

describe("streaming", () => {
  test("a 10 MB upload arrives intact, and the origin reads the first chunk while the client is still paused", async () => {
    const firstChunkAtOrigin = deferred();
    let received = 0;
    const hash = createHash("sha256");
    const o = await origin((req, res) => {
      req.on("data", (chunk: Buffer) => {
        received += chunk.length;
        hash.update(chunk);
        firstChunkAtOrigin.resolve();
      });
      req.on("end", () => res.end(JSON.stringify({ received, sha: hash.digest("hex") })));
    });
    const payload = bytes(10 * MB, 7);
    let chunksSent = 0;
    let chunksSentWhenOriginSawData = -1;
    void firstChunkAtOrigin.promise.then(() => (chunksSentWhenOriginSawData = chunksSent));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // The client sends one MB, then waits until the origin has seen bytes: a proxy that
        // buffered the whole upload would deadlock here and the test would time out.
        if (chunksSent === 1) await firstChunkAtOrigin.promise;
        if (chunksSent === 10) return controller.close();
        controller.enqueue(payload.subarray(chunksSent * MB, (chunksSent + 1) * MB));
        chunksSent++;
      },
    });
    const request = new Request("http://site.test/upload", { method: "POST", body, duplex: "half" } as RequestInit);
    const response = await proxyTo(o.url)(request, CTX);
    const result = (await response.json()) as { received: number; sha: string };
    expect(chunksSentWhenOriginSawData).toBe(1);
    expect(result.received).toBe(10 * MB);
    expect(result.sha).toBe(sha256(payload));
    expect(o.seen.at(-1)!.headers["transfer-encoding"]).toBe("chunked");
  }, 20_000);

  test("a 20 MB download is streamed: the client reads the first chunk before the origin writes the last", async () => {
    const payload = bytes(20 * MB, 11);
    const release = deferred();
    let originWroteLast = false;
    const o = await origin(async (_req, res) => {
      res.writeHead(200, { "content-length": String(payload.length) });
      for (let i = 0; i < 19; i++) {
        if (!res.write(payload.subarray(i * MB, (i + 1) * MB))) await new Promise((r) => res.once("drain", r));
      }
      await release.promise; // A buffering proxy never returns a Response before this resolves.
      originWroteLast = true;
      res.end(payload.subarray(19 * MB));
    });
    const response = await proxyTo(o.url)(new Request("http://site.test/big"), CTX);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(originWroteLast).toBe(false);
    release.resolve();
    const parts: Uint8Array[] = [first.value!];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    expect(originWroteLast).toBe(true);
    expect(sha256(Buffer.concat(parts))).toBe(sha256(payload));
  }, 20_000);

  test("backpressure: the origin side is paused once RESPONSE_BUFFER_BYTES_MAX wait unread, and resumed by a read", async () => {
    // A stand-in for the origin's IncomingMessage, so the check does not depend on kernel buffers.
    const source = Object.assign(new PassThrough({ highWaterMark: 16 * 1024 * 1024 }), { complete: false });
    const stream = responseBodyStream(source as unknown as IncomingMessage, "http://127.0.0.1:1");
    const chunkBytes = 64 * 1024;
    const chunks = RESPONSE_BUFFER_BYTES_MAX / chunkBytes + 4;
    for (let i = 0; i < chunks; i++) source.write(Buffer.alloc(chunkBytes, i));
    await new Promise((r) => setImmediate(r));
    expect(source.isPaused()).toBe(true);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.value?.[0]).toBe(0);
    await new Promise((r) => setImmediate(r));
    // The read made room, so the source flows again until the queue is full once more.
    let total = first.value!.byteLength;
    source.complete = true;
    source.end();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
    }
    expect(total).toBe(chunks * chunkBytes);
  });

  test("an origin that closes mid-body (Content-Length not reached) errors the body stream", async () => {
    const o = await origin((_req, res) => {
      res.writeHead(200, { "content-length": "100000" });
      res.write(Buffer.alloc(5000, 1), () => res.socket?.destroy());
    });
    const response = await proxyTo(o.url)(new Request("http://site.test/cut"), CTX);
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  test("an origin that closes mid-body (chunked, no terminator) errors the body stream", async () => {
    const o = await origin((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial ", () => res.socket?.destroy());
    });
    const response = await proxyTo(o.url)(new Request("http://site.test/cut"), CTX);
    await expect(response.text()).rejects.toThrow();
  });
});

describe("origin failures are answered, not thrown", () => {
  test("a refused port gives 502 'error code: 502' naming the origin and the error, marked cf-origin-error", async () => {
    const port = await freePort();
    const response = await proxyTo(`http://127.0.0.1:${port}`)(new Request("http://site.test/"), CTX);
    expect(response.status).toBe(502);
    expect(response.headers.get("cf-origin-error")).toBe("ORIGIN_UNREACHABLE");
    const text = await response.text();
    expect(text.startsWith("error code: 502\n")).toBe(true);
    expect(text).toContain(`http://127.0.0.1:${port}`);
    expect(text).toContain("ECONNREFUSED");
  });

  test("an origin that sends no headers within timeoutMs gives 504 soon after the deadline", async () => {
    const o = await origin(() => {
      /* never answers */
    });
    const started = performance.now();
    const response = await proxyTo(o.url, { timeoutMs: 200 })(new Request("http://site.test/slow"), CTX);
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(504);
    expect(response.headers.get("cf-origin-error")).toBe("ORIGIN_TIMEOUT");
    expect(await response.text()).toMatch(/^error code: 504\nORIGIN_TIMEOUT: origin http:\/\/127\.0\.0\.1:\d+ sent no response headers within 200 ms/);
    // A wide upper bound: the machine is shared; the claim is "not the 30 s default".
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    expect(elapsedMs).toBeLessThan(5_000);
  });
});

describe("loopback only by default", () => {
  test("a non-loopback origin is refused with ORIGIN_NOT_LOOPBACK unless allowNonLoopback is set", () => {
    const attempt = (): unknown => createProxyOrigin({ originUrl: "http://example.com" });
    expect(attempt).toThrow(EdgeError);
    expect(attempt).toThrow(/example\.com is not loopback/);
    const allowed = createProxyOrigin({ originUrl: "http://example.com", allowNonLoopback: true });
    allowed.close();
    expect(() => createProxyOrigin({ originUrl: "https://127.0.0.1:3000" })).toThrow(/ORIGIN_PROTOCOL_UNSUPPORTED|https:/);
    expect(() => createProxyOrigin({ originUrl: "not a url" })).toThrow(/not an absolute URL/);
  });

  propTest.prop([fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })], { numRuns: 200 })(
    "isLoopbackHostname: an IPv4 address is loopback exactly when it is in 127.0.0.0/8",
    (a, b, c, d) => {
      expect(isLoopbackHostname(`${a}.${b}.${c}.${d}`)).toBe(a === 127);
    },
  );

  test("isLoopbackHostname accepts localhost names and ::1 (bracketed as URL.hostname gives it)", () => {
    for (const host of ["localhost", "LOCALHOST", "app.localhost", "[::1]", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackHostname(host), host).toBe(true);
    for (const host of ["localhost.example.com", "[::2]", "10.0.0.1", "example.com"]) expect(isLoopbackHostname(host), host).toBe(false);
  });
});
