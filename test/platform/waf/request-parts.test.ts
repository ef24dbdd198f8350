import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Edge, type OriginHandler } from "../../../src/edge/index.js";
import { VirtualClock } from "../../../src/sim/index.js";
import {
  ARGS_COUNT_MAX,
  JSON_DEPTH_MAX,
  RequestCollections,
  Waf,
  compileExpression,
  FieldContext,
  peekBody,
  wafRequest,
  wafRequestWithBody,
  type CollectionName,
  type WafRequest,
} from "../../../src/waf/index.js";

const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  accept: "text/html,*/*",
  "accept-language": "en",
};

function chunked(bytes: Uint8Array, size: number, counter?: { pulled: number }): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const chunk = bytes.slice(at, at + size);
      at += chunk.length;
      if (counter) counter.pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const values = (r: WafRequest, name: CollectionName): string[] => new RequestCollections(r).get(name).map((e) => `${e.name}=${e.value}`);

describe("peekBody: the front for inspection, the whole body forwarded", () => {
  it("replays every byte unchanged for any body, chunking and limit", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 97 }), fc.integer({ min: 0, max: 700 }), async (bytes, chunk, limit) => {
        const peeked = await peekBody(chunked(bytes, chunk), limit);
        expect(peeked.bytes).toEqual(bytes.slice(0, limit));
        expect(peeked.truncated).toBe(bytes.length > limit);
        expect(await drain(peeked.stream)).toEqual(bytes);
      }),
      { numRuns: 150 },
    );
  });

  it("is exact at the limit: n bytes with limit n is whole, n+1 is truncated", async () => {
    const body = new TextEncoder().encode("x".repeat(64));
    expect((await peekBody(chunked(body, 64), 64)).truncated).toBe(false);
    expect((await peekBody(chunked(body, 64), 63)).truncated).toBe(true);
    expect((await peekBody(chunked(body, 8), 64)).truncated).toBe(false);
  });

  it("reads no more than the limit plus two chunks before the WAF decides, of a 4 MiB body", async () => {
    const counter = { pulled: 0 };
    const big = new Uint8Array(4 * 1024 * 1024).fill(65);
    const peeked = await peekBody(chunked(big, 16 * 1024, counter), 128 * 1024);
    // One chunk past the limit tells truncation; the source stream's own queue (high-water mark 1) reads one more.
    expect(counter.pulled).toBeLessThanOrEqual(128 * 1024 + 2 * 16 * 1024);
    expect(peeked.truncated).toBe(true);
    expect((await drain(peeked.stream)).length).toBe(big.length);
  });

  it("a source that fails mid-body gives what was read, and the forwarded stream fails too", async () => {
    let n = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ === 0) controller.enqueue(new TextEncoder().encode("abc"));
        else controller.error(new Error("client went away"));
      },
    });
    const peeked = await peekBody(source, 1024);
    expect(new TextDecoder().decode(peeked.bytes)).toBe("abc");
    expect(peeked.truncated).toBe(true);
    await expect(drain(peeked.stream)).rejects.toThrow("client went away");
  });
});

describe("request collections, as CRS names them", () => {
  it("splits the URL, query, cookies, headers and request line", () => {
    const r = wafRequest("https://a.example/dir/file.php?a=1&b=%27x%27&a=2&flag", {
      method: "POST",
      headers: { Cookie: "sid=abc; theme=dark%20mode", "X-Custom": "v", "content-type": "application/x-www-form-urlencoded" },
      body: "c=3&d=hello+world",
      protocol: "HTTP/2",
    });
    expect(values(r, "ARGS_GET")).toEqual(["a=1", "b='x'", "a=2", "flag="]);
    expect(values(r, "ARGS_POST")).toEqual(["c=3", "d=hello world"]);
    expect(values(r, "ARGS")).toEqual(["a=1", "b='x'", "a=2", "flag=", "c=3", "d=hello world"]);
    expect(values(r, "ARGS_NAMES").map((s) => s.split("=")[1])).toEqual(["a", "b", "a", "flag", "c", "d"]);
    expect(values(r, "REQUEST_COOKIES")).toEqual(["sid=abc", "theme=dark%20mode"]);
    expect(values(r, "REQUEST_COOKIES_NAMES")).toEqual(["sid=sid", "theme=theme"]);
    expect(values(r, "REQUEST_HEADERS")).toContain("x-custom=v");
    expect(values(r, "REQUEST_HEADERS_NAMES")).toContain("x-custom=x-custom");
    expect(values(r, "REQUEST_FILENAME")).toEqual(["REQUEST_FILENAME=/dir/file.php"]);
    expect(values(r, "REQUEST_BASENAME")).toEqual(["REQUEST_BASENAME=file.php"]);
    expect(values(r, "REQUEST_URI")).toEqual(["REQUEST_URI=/dir/file.php?a=1&b=%27x%27&a=2&flag"]);
    expect(values(r, "REQUEST_URI_RAW")).toEqual(values(r, "REQUEST_URI").map((s) => s.replace("REQUEST_URI", "REQUEST_URI_RAW")));
    expect(values(r, "REQUEST_LINE")).toEqual(["REQUEST_LINE=POST /dir/file.php?a=1&b=%27x%27&a=2&flag HTTP/2"]);
    expect(values(r, "REQUEST_METHOD")).toEqual(["REQUEST_METHOD=POST"]);
    expect(values(r, "REQUEST_PROTOCOL")).toEqual(["REQUEST_PROTOCOL=HTTP/2"]);
    expect(values(r, "QUERY_STRING")).toEqual(["QUERY_STRING=a=1&b=%27x%27&a=2&flag"]);
    expect(values(r, "REQUEST_BODY")).toEqual(["REQUEST_BODY=c=3&d=hello+world"]);
    expect(values(r, "REQBODY_PROCESSOR")).toEqual(["REQBODY_PROCESSOR=URLENCODED"]);
  });

  it("flattens a JSON body to json.* paths, arrays by index, in document order", () => {
    const r = wafRequest("https://a.example/api", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ user: { name: "O'Brien", tags: ["a", "b"] }, n: 3, ok: true, none: null, __proto__x: {}, constructor: "c" }),
    });
    expect(values(r, "ARGS_POST")).toEqual(["json.user.name=O'Brien", "json.user.tags.0=a", "json.user.tags.1=b", "json.n=3", "json.ok=true", "json.none=", "json.__proto__x=", "json.constructor=c"]);
    expect(values(r, "REQUEST_BODY")).toEqual([]);
    expect(values(r, "REQBODY_ERROR")).toEqual(["REQBODY_ERROR=0"]);
  });

  it("a __proto__ key in JSON is an ordinary argument name", () => {
    const r = wafRequest("https://a.example/api", { method: "POST", headers: { "content-type": "application/json" }, body: '{"__proto__": {"polluted": "<script>"}}' });
    expect(values(r, "ARGS_POST")).toEqual(["json.__proto__.polluted=<script>"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("splits multipart fields into ARGS and file parts into FILES, FILES_NAMES, FILES_SIZES", () => {
    const b = "----kata7";
    const body = [`--${b}`, 'Content-Disposition: form-data; name="title"', "", "Hello", `--${b}`, 'Content-Disposition: form-data; name="upload"; filename="../../etc/passwd.png"', "Content-Type: image/png", "", "\u0089PNG....", `--${b}--`, ""].join("\r\n");
    const r = wafRequest("https://a.example/up", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${b}` }, body });
    expect(values(r, "ARGS_POST")).toEqual(["title=Hello"]);
    expect(values(r, "FILES")).toEqual(["upload=../../etc/passwd.png"]);
    expect(values(r, "FILES_NAMES")).toEqual(["upload=upload"]);
    expect(values(r, "FILES_SIZES")).toEqual(["upload=8"]);
    expect(values(r, "MULTIPART_STRICT_ERROR")).toEqual(["MULTIPART_STRICT_ERROR=0"]);
    expect(values(r, "REQBODY_PROCESSOR")).toEqual(["REQBODY_PROCESSOR=MULTIPART"]);
  });

  it("flags malformed bodies instead of throwing: JSON, multipart without boundary, unterminated parts", () => {
    const post = (type: string, body: string, truncated = false): WafRequest => wafRequest("https://a.example/", { method: "POST", headers: { "content-type": type }, body, bodyTruncated: truncated });
    expect(values(post("application/json", '{"a": '), "REQBODY_ERROR")).toEqual(["REQBODY_ERROR=1"]);
    // Truncated JSON cannot parse either, but it is not malformed: its text is inspected raw.
    expect(values(post("application/json", '{"a": "<scri', true), "REQBODY_ERROR")).toEqual(["REQBODY_ERROR=0"]);
    expect(values(post("application/json", '{"a": "<scri', true), "REQUEST_BODY")).toEqual(['REQUEST_BODY={"a": "<scri']);
    expect(values(post("multipart/form-data", "--x\r\n"), "MULTIPART_STRICT_ERROR")).toEqual(["MULTIPART_STRICT_ERROR=1"]);
    expect(values(post("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue'), "MULTIPART_STRICT_ERROR")).toEqual(["MULTIPART_STRICT_ERROR=1"]);
    expect(values(post("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue', true), "ARGS_POST")).toEqual(["a=value"]);
    const deep = "[".repeat(JSON_DEPTH_MAX + 5) + "1" + "]".repeat(JSON_DEPTH_MAX + 5);
    expect(values(post("application/json", deep), "REQBODY_ERROR")).toEqual(["REQBODY_ERROR=1"]);
    const many = Array.from({ length: ARGS_COUNT_MAX + 50 }, (_, i) => `k${i}=v`).join("&");
    expect(new RequestCollections(post("application/x-www-form-urlencoded", many)).get("ARGS_POST")).toHaveLength(ARGS_COUNT_MAX);
  });

  it("never throws on arbitrary bodies, content types and URLs", () => {
    const waf = new Waf({ clock: new VirtualClock() });
    const types = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "multipart/form-data", "text/plain", "application/vnd.api+json", ""];
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...types), fc.boolean(), fc.string({ maxLength: 40 }), (body, type, truncated, query) => {
        const r = wafRequest(`https://a.example/p?${query}`, { method: "POST", headers: { ...BROWSER, "content-type": type, cookie: query }, body, bodyTruncated: truncated });
        const decision = waf.inspect(r);
        expect(["allow", "block", "challenge"]).toContain(decision.action);
        const c = new RequestCollections(r);
        for (const name of ["ARGS", "ARGS_NAMES", "FILES", "REQUEST_BODY", "REQUEST_COOKIES", "REQBODY_ERROR"] as const) c.get(name);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the same payload anywhere in the request is blocked", () => {
  const payloads = ["1' OR '1'='1", "<script>alert(1)</script>", "../../../../etc/passwd", "; cat /etc/passwd"];
  const waf = new Waf({ clock: new VirtualClock() });
  const placements: Record<string, (p: string) => WafRequest> = {
    query: (p) => wafRequest(`https://a.example/search?q=${encodeURIComponent(p)}`, { headers: BROWSER }),
    "urlencoded body": (p) => wafRequest("https://a.example/form", { method: "POST", headers: { ...BROWSER, "content-type": "application/x-www-form-urlencoded" }, body: `q=${encodeURIComponent(p)}` }),
    "JSON body": (p) => wafRequest("https://a.example/api", { method: "POST", headers: { ...BROWSER, "content-type": "application/json" }, body: JSON.stringify({ filter: { q: p } }) }),
    "multipart field": (p) => wafRequest("https://a.example/up", { method: "POST", headers: { ...BROWSER, "content-type": "multipart/form-data; boundary=zz" }, body: `--zz\r\nContent-Disposition: form-data; name="q"\r\n\r\n${p}\r\n--zz--\r\n` }),
    cookie: (p) => wafRequest("https://a.example/", { headers: { ...BROWSER, cookie: `pref=${encodeURIComponent(p)}` } }),
    header: (p) => wafRequest("https://a.example/", { headers: { ...BROWSER, "x-forwarded-host": p } }),
  };
  for (const [where, make] of Object.entries(placements)) {
    it(`in the ${where}`, () => {
      for (const p of payloads) expect(waf.inspect(make(p)).action, `${p} in the ${where}`).toBe("block");
      // The same request with a harmless value passes: the placement itself is not what blocks.
      expect(waf.inspect(make("hello world")).action).toBe("allow");
    });
  }
});

describe("body fields in the expression language", () => {
  const ctx = (r: WafRequest): FieldContext => new FieldContext(r, { botScore: 50, threatScore: 0 });
  const form = wafRequest("https://a.example/login?next=%2Fhome&next=%2Fx", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": "999999", cookie: "sid=s1; __proto__=p" },
    body: "user=alice&user=bob&pass=x",
    bodyTruncated: true,
  });
  const cases: Array<[string, boolean]> = [
    ['http.request.body.form["user"] eq "alice"', true],
    ['http.request.body.form["user"][1] eq "bob"', true],
    ['http.request.body.form["user"][2] eq ""', true],
    ['http.request.body.form["missing"] eq ""', true],
    ['http.request.uri.args["next"][1] eq "/x"', true],
    ['http.request.cookies["__proto__"] eq "p"', true],
    ['http.request.cookies["constructor"] eq ""', true],
    ["http.request.body.truncated", true],
    ["http.request.body.size eq 999999", true],
    ['http.request.body.mime eq "application/x-www-form-urlencoded"', true],
    ['http.request.body.raw contains "pass=x"', true],
  ];
  for (const [expression, expected] of cases) it(`${expression} is ${String(expected)}`, () => expect(compileExpression(expression)(ctx(form))).toBe(expected));

  it("JSON leaves are not form fields, and a short body is not truncated", () => {
    const json = wafRequest("https://a.example/", { method: "POST", headers: { "content-type": "application/json" }, body: '{"user":"alice"}' });
    expect(compileExpression('http.request.body.form["json.user"] eq ""')(ctx(json))).toBe(true);
    expect(compileExpression("not http.request.body.truncated")(ctx(json))).toBe(true);
    expect(compileExpression("http.request.body.size eq 16")(ctx(json))).toBe(true);
  });

  it("rejects a negative or non-numeric value index", () => {
    expect(() => compileExpression('http.request.body.form["a"][x] eq ""')).toThrow(/value index/);
    expect(() => compileExpression('http.request.body.form[1] eq ""')).toThrow(/quoted key/);
  });
});

describe("through the edge: inspected, then forwarded intact", () => {
  function edgeWithHashingOrigin(): { edge: Edge; seen: Array<{ bytes: number; sha256: string }> } {
    const seen: Array<{ bytes: number; sha256: string }> = [];
    const origin: OriginHandler = async (request) => {
      const body = new Uint8Array(await request.arrayBuffer());
      seen.push({ bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") });
      return new Response("stored", { headers: { "cache-control": "no-store" } });
    };
    return { edge: new Edge({ clock: new VirtualClock(1_800_000_000_000), seed: 4, origin }), seen };
  }

  it("a 3 MiB multipart upload reaches the origin byte for byte", async () => {
    const { edge, seen } = edgeWithHashingOrigin();
    const file = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < file.length; i++) file[i] = (i * 131 + (i >> 9)) & 0xff;
    const head = new TextEncoder().encode('--up\r\nContent-Disposition: form-data; name="f"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n');
    const tail = new TextEncoder().encode("\r\n--up--\r\n");
    const all = new Uint8Array(head.length + file.length + tail.length);
    all.set(head, 0);
    all.set(file, head.length);
    all.set(tail, head.length + file.length);
    const request = new Request("https://shop.example/upload", { method: "POST", headers: { ...BROWSER, "content-type": "multipart/form-data; boundary=up" }, body: chunked(all, 64 * 1024), duplex: "half" } as RequestInit);
    const result = await edge.handle(request, { clientIp: "198.51.100.7" });
    expect(result.response.status).toBe(200);
    expect(seen).toEqual([{ bytes: all.length, sha256: createHash("sha256").update(all).digest("hex") }]);
  });

  it("blocks an attack in a POST body with 403 and never calls the origin", async () => {
    const { edge, seen } = edgeWithHashingOrigin();
    const request = new Request("https://shop.example/comment", { method: "POST", headers: { ...BROWSER, "content-type": "application/json" }, body: JSON.stringify({ text: "<script>alert(document.cookie)</script>" }) });
    const result = await edge.handle(request, { clientIp: "198.51.100.8" });
    expect(result.response.status).toBe(403);
    expect(result.response.headers.get("cf-waf-rule")).toBeTruthy();
    expect(seen).toEqual([]);
  });

  it("wafRequestWithBody marks a body past the limit as truncated and keeps it whole for forwarding", async () => {
    const text = "a=" + "b".repeat(5000);
    const { inspected, forward } = await wafRequestWithBody(new Request("https://a.example/", { method: "POST", body: text, headers: { "content-type": "application/x-www-form-urlencoded" } }), "192.0.2.1", 1000);
    expect(inspected.body).toHaveLength(1000);
    expect(inspected.bodyTruncated).toBe(true);
    expect(await forward.text()).toBe(text);
    expect(forward.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
  });
});
