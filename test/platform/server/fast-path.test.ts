import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bufferedBodyOf, bufferedResponse, isFreshResponse, rewrapResponse } from "../../../src/core/buffered-body.js";
import { parseUrlParts } from "../../../src/workers/host-bridge.js";
import { request as httpRequest } from "node:http";
import { startHttpServer } from "../../../src/server/http-server.js";

const URL_PARTS = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"] as const;

function partsOf(input: string, base?: string): Record<string, string> | null {
  if (!URL.canParse(input, base)) return null;
  const url = new URL(input, base);
  return Object.fromEntries(URL_PARTS.map((p) => [p, url[p]]));
}

describe("buffered bodies", () => {
  it("remember the bytes of an untouched body, as the stream would give them", async () => {
    for (const body of ["hello", "", "héllo ☃", new Uint8Array([0, 1, 255]), new Uint8Array([104, 105]).buffer]) {
      const r = bufferedResponse(body, { status: 200 });
      const known = bufferedBodyOf(r);
      expect(known).toBeDefined();
      const fromRegistry = typeof known === "string" ? new TextEncoder().encode(known) : known!;
      expect(Buffer.from(fromRegistry)).toEqual(Buffer.from(await r.arrayBuffer()));
    }
  });

  it("forget a body once its stream is read, locked or the response has none", async () => {
    const read = bufferedResponse("abc", {});
    await read.text();
    expect(bufferedBodyOf(read)).toBeUndefined();
    const locked = bufferedResponse("abc", {});
    locked.body!.getReader();
    expect(bufferedBodyOf(locked)).toBeUndefined();
    expect(bufferedBodyOf(bufferedResponse(null, { status: 204 }))).toBeUndefined();
    expect(bufferedBodyOf(new Response("not registered"))).toBeUndefined();
  });

  it("follow a body into a rewrapped response while the stream is untouched, and not after", async () => {
    const source = bufferedResponse("abc", { headers: { a: "1" } });
    const copy = rewrapResponse(source, { status: 201, headers: { b: "2" } });
    expect(bufferedBodyOf(copy)).toBe("abc");
    expect(await copy.text()).toBe("abc");
    expect(bufferedBodyOf(copy)).toBeUndefined();
    const used = bufferedResponse("xyz", {});
    await used.arrayBuffer();
    expect(() => rewrapResponse(used, {})).toThrow();
  });

  it("mark as fresh only what was built here", () => {
    expect(isFreshResponse(bufferedResponse("a", {}))).toBe(true);
    expect(isFreshResponse(bufferedResponse(null, { status: 204 }))).toBe(true);
    expect(isFreshResponse(new Response("a"))).toBe(false);
    expect(isFreshResponse(Response.error())).toBe(false);
  });
});

/** Method, status and the framing headers of one answer from `url`. */
function framing(url: string, method: string): Promise<{ status: number; length?: string; encoding?: string; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, length: res.headers["content-length"], encoding: res.headers["transfer-encoding"], body }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("the HTTP server's framing of a buffered body", () => {
  it("sends a body held in memory with its Content-Length (bytes, not characters), never chunked, and no length where a status has no body", async () => {
    const answers: Record<string, () => Response> = {
      "/ascii": () => bufferedResponse("hello", { status: 200 }),
      "/utf8": () => bufferedResponse("héllo ☃", { status: 200 }),
      "/bytes": () => bufferedResponse(new Uint8Array([0, 1, 255]), { status: 201 }),
      "/empty": () => bufferedResponse("", { status: 200 }),
      "/no-content": () => bufferedResponse(null, { status: 204 }),
      "/not-modified": () => bufferedResponse(null, { status: 304 }),
      "/own-length": () => bufferedResponse("abc", { status: 200, headers: { "content-length": "3" } }),
      "/streamed": () => new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("streamed")); c.close(); } })),
    };
    const server = await startHttpServer({ host: "127.0.0.1", port: 0, handler: async (request) => answers[new URL(request.url).pathname]!() });
    try {
      expect(await framing(`${server.url}/ascii`, "GET")).toEqual({ status: 200, length: "5", encoding: undefined, body: "hello" });
      expect(await framing(`${server.url}/utf8`, "GET")).toMatchObject({ status: 200, length: "10", encoding: undefined });
      expect(await framing(`${server.url}/bytes`, "GET")).toEqual({ status: 201, length: "3", encoding: undefined, body: "\u0000\u0001\u00ff" });
      expect(await framing(`${server.url}/empty`, "GET")).toEqual({ status: 200, length: "0", encoding: undefined, body: "" });
      expect(await framing(`${server.url}/ascii`, "HEAD")).toEqual({ status: 200, length: "5", encoding: undefined, body: "" });
      expect(await framing(`${server.url}/no-content`, "GET")).toEqual({ status: 204, length: undefined, encoding: undefined, body: "" });
      expect(await framing(`${server.url}/not-modified`, "GET")).toEqual({ status: 304, length: undefined, encoding: undefined, body: "" });
      expect(await framing(`${server.url}/own-length`, "GET")).toEqual({ status: 200, length: "3", encoding: undefined, body: "abc" });
      expect(await framing(`${server.url}/streamed`, "GET")).toEqual({ status: 200, length: undefined, encoding: "chunked", body: "streamed" });
    } finally {
      await server.close();
    }
  });
});

describe("the isolate's URL parser with its memo", () => {
  it("answers what new URL answers, the first time and from the memo, for adversarial inputs", () => {
    const inputs = fc.oneof(
      fc.constantFrom("https://edge.example/", "http://127.0.0.1:8787/a?b=c#d", "__proto__", "constructor", "", "https://a/\nb", "\nhttps://a/", "https://xn--nxasmq6b.example/é?ü", "http://[::1]:80/", "https://u:p@h/"),
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
    );
    fc.assert(
      fc.property(inputs, fc.option(fc.constantFrom("https://a/x", "http://b/", "not a base", "\nhttps://a/"), { nil: undefined }), (input, base) => {
        const expected = partsOf(input, base);
        expect(parseUrlParts(input, base)).toEqual(expected);
        expect(parseUrlParts(input, base)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("keeps a base-less parse and a based parse of the same strings apart", () => {
    // "https://a/x" + "\n" + "y" without a base is https://a/xy; "y" against base https://a/x is https://a/y.
    expect(parseUrlParts("y", "https://a/x")?.href).toBe("https://a/y");
    expect(parseUrlParts("https://a/x\ny", undefined)?.href).toBe("https://a/xy");
    expect(parseUrlParts("y", "https://a/x")?.href).toBe("https://a/y");
  });

  it("stays correct past its bound (the memo is cleared, not wrong)", () => {
    for (let i = 0; i < 600; i++) expect(parseUrlParts(`https://h${i}.example/${i}`, undefined)?.hostname).toBe(`h${i}.example`);
    expect(parseUrlParts("https://h0.example/0", undefined)?.pathname).toBe("/0");
  });
});
