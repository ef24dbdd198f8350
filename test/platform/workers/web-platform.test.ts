// The web platform classes inside an isolate (Request/Response/FormData/Blob/File, URL,
// events and AbortSignal, the Workers globals), checked against Node's own implementations on
// the host where Node has one, and against workerd's documented behaviour where it differs.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { disposeWorkers, inWorker, json } from "./in-worker.js";

afterAll(disposeWorkers);

// Adversarial but valid form entries: empty names, quotes, CR/LF, non-ASCII, "__proto__".
const formName = fc.oneof(fc.constantFrom("", "__proto__", "constructor", 'a"b', "a\r\nb", "é", "名前", "x%22y"), fc.string({ maxLength: 6 }));
const formEntry = fc.oneof(
  fc.record({ kind: fc.constant("string" as const), name: formName, value: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("a\nb", "a\rb", "", "\u{1F600}")) }),
  fc.record({
    kind: fc.constant("file" as const),
    name: formName,
    filename: fc.oneof(fc.constantFrom("f.txt", 'q"uote.bin', "ünï.txt", "blob"), fc.string({ minLength: 1, maxLength: 6 })),
    type: fc.constantFrom("", "text/plain", "application/octet-stream", "image/png"),
    bytes: fc.uint8Array({ maxLength: 40 }),
  }),
);
type Entry = { kind: "string"; name: string; value: string } | { kind: "file"; name: string; filename: string; type: string; bytes: Uint8Array };

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const wireEntries = (entries: Entry[]): unknown[] => entries.map((e) => (e.kind === "string" ? e : { ...e, bytes: b64(e.bytes) }));

function nodeFormData(entries: Entry[]): FormData {
  const fd = new FormData();
  for (const e of entries) {
    if (e.kind === "string") fd.append(e.name, e.value);
    else fd.append(e.name, new Blob([new Uint8Array(e.bytes)], { type: e.type }), e.filename);
  }
  return fd;
}

/** What a FormData holds, as plain data (files as name/type/base64). */
async function describeForm(fd: FormData): Promise<unknown[]> {
  const out: unknown[] = [];
  const entries: Array<[string, FormDataEntryValue]> = [];
  fd.forEach((value, name) => entries.push([name, value]));
  for (const [name, value] of entries) {
    out.push(typeof value === "string" ? [name, value] : [name, value.name, value.type, b64(new Uint8Array(await value.arrayBuffer()))]);
  }
  return out;
}

const DESCRIBE_FORM_IN_ISOLATE = `async function describeForm(fd) {
  const out = [];
  for (const [name, value] of fd) {
    if (typeof value === "string") out.push([name, value]);
    else out.push([name, value.name, value.type, btoa(String.fromCharCode(...new Uint8Array(await value.arrayBuffer())))]);
  }
  return out;
}`;

describe("FormData, Blob and File", () => {
  const serialise = inWorker(`
    const fd = new FormData();
    for (const e of input) {
      if (e.kind === "string") fd.append(e.name, e.value);
      else fd.append(e.name, new Blob([Uint8Array.from(atob(e.bytes), (c) => c.charCodeAt(0))], { type: e.type }), e.filename);
    }
    return new Response(fd);`);

  it("multipart/form-data made in the isolate parses on the host (Node) as Node's own serialisation does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(formEntry, { maxLength: 6 }), async (entries) => {
        const ours = await serialise(wireEntries(entries));
        expect(ours.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
        const node = new Response(nodeFormData(entries));
        expect(await describeForm(await ours.formData())).toEqual(await describeForm(await node.formData()));
      }),
      { numRuns: 40 },
    );
  });

  it("request.formData() in the isolate parses what Node serialises, multipart and urlencoded", async () => {
    const parse = inWorker(`${DESCRIBE_FORM_IN_ISOLATE} return Response.json(await describeForm(await request.formData()));`);
    await fc.assert(
      fc.asyncProperty(fc.array(formEntry, { maxLength: 6 }), async (entries) => {
        const body = new Response(nodeFormData(entries));
        const type = body.headers.get("content-type")!;
        const got = await json(parse(undefined, { headers: { "content-type": type }, body: await body.arrayBuffer() }));
        expect(got).toEqual(await describeForm(await new Response(nodeFormData(entries)).formData()));
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(formName, fc.string({ maxLength: 8 })), { maxLength: 6 }), async (pairs) => {
        const params = new URLSearchParams(pairs);
        const got = await json(parse(undefined, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: params.toString() }));
        expect(got).toEqual([...params]);
      }),
      { numRuns: 25 },
    );
  });

  it("formData() refuses other types, and a multipart body without its boundary, with workerd's TypeError", async () => {
    const parse = inWorker(`try { await request.formData(); return new Response("parsed"); } catch (e) { return Response.json([e.name, e.message]); }`);
    expect(await json(parse(undefined, { headers: { "content-type": "text/plain" }, body: "a=1" }))).toEqual([
      "TypeError",
      "Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded",
    ]);
    expect(await json(parse(undefined, { headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--y\r\n\r\n" }))).toEqual(["TypeError", "Failed to parse body as FormData."]);
  });

  it("Blob and File: size, type normalisation, slice, text, arrayBuffer, stream; body.blob() keeps the content type", async () => {
    const got = await json(inWorker(`
      const blob = new Blob(["héllo ", new Uint8Array([119, 111]), new Blob(["rld"])], { type: "Text/Plain" });
      const file = new File(["x"], "a.txt", { type: "\\u00e9", lastModified: 42 });
      const sliced = blob.slice(-5, -1, "A/B");
      const fromBody = await new Response("abc", { headers: { "content-type": "text/csv" } }).blob();
      let streamed = ""; for await (const c of blob.stream()) streamed += new TextDecoder().decode(c);
      return Response.json({ size: blob.size, type: blob.type, text: await blob.text(), sliced: [await sliced.text(), sliced.type],
        file: [file.name, file.type, file.lastModified, file instanceof Blob], bytes: [...new Uint8Array(await blob.arrayBuffer())].length,
        body: [fromBody.type, await fromBody.text()], streamed });`)());
    expect(got).toEqual({
      size: 12, type: "text/plain", text: "héllo world", sliced: ["worl", "a/b"], file: ["a.txt", "", 42, true], bytes: 12,
      body: ["text/csv", "abc"], streamed: "héllo world",
    });
  });
});

describe("Request and Response", () => {
  it("Response.error, Response.redirect and Response.json behave as in workerd", async () => {
    const got = await json(inWorker(`
      const err = Response.error();
      const red = Response.redirect("https://example.com/a b", 301);
      let immutable; try { red.headers.set("x", "1"); } catch (e) { immutable = e.name + ": " + e.message; }
      let badStatus; try { Response.redirect("https://x.example/", 200); } catch (e) { badStatus = e.name; }
      let badJson; try { Response.json(undefined); } catch (e) { badJson = e.name; }
      const j = Response.json({ a: 1 }, { status: 201, headers: { "x-a": "b" } });
      return Response.json({ err: [err.type, err.status, err.ok], red: [red.status, red.headers.get("location")], immutable, badStatus, badJson,
        json: [j.status, j.headers.get("content-type"), j.headers.get("x-a"), await j.json()] });`)());
    expect(got).toEqual({
      err: ["error", 0, false], red: [301, "https://example.com/a%20b"], immutable: "TypeError: Can't modify immutable headers.",
      badStatus: "RangeError", badJson: "TypeError", json: [201, "application/json", "b", { a: 1 }],
    });
  });

  it("clone() of a streamed request body gives both copies every byte, and the original can still be passed on", async () => {
    const echo = inWorker(`
      const copy = request.clone();
      const [a, b] = [await copy.text(), await request.clone().text()];
      return new Response(request.body, { headers: { "x-copies": String(a === b && a.length) } });`);
    const big = "x".repeat(200_000);
    const r = await echo(undefined, { body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } }) as never });
    expect(r.headers.get("x-copies")).toBe(String(big.length));
    expect(await r.text()).toBe(big);
  });

  it("a Request carries cf, signal, cache, integrity and keepalive; bad construction is a TypeError", async () => {
    const got = await json(inWorker(`
      const controller = new AbortController();
      const r = new Request("https://a.example/", { cf: { cacheTtl: 5 }, signal: controller.signal, cache: "no-store", method: "post", body: "x" });
      const copy = new Request(r);
      const errors = [];
      for (const make of [() => new Request("/relative"), () => new Request("https://u:p@a.example/"), () => new Request("https://a.example/", { method: "TRACE" }),
        () => new Request("https://a.example/", { body: "x" }), () => new Request("https://a.example/", { cache: "only-if-cached" })]) {
        try { make(); errors.push("none"); } catch (e) { errors.push(e.name); }
      }
      controller.abort("stop");
      return Response.json({ cf: r.cf, method: r.method, cache: r.cache, integrity: r.integrity, keepalive: r.keepalive, fetcher: r.fetcher,
        bodyUsed: r.bodyUsed, copyBody: await copy.text(), signal: [r.signal.aborted, r.signal.reason, copy.signal.aborted], incoming: request.signal.aborted, errors });`)());
    expect(got).toEqual({
      cf: { cacheTtl: 5 }, method: "POST", cache: "no-store", integrity: "", keepalive: false, fetcher: null, bodyUsed: true, copyBody: "x",
      signal: [true, "stop", true], incoming: false, errors: ["TypeError", "TypeError", "TypeError", "TypeError", "TypeError"],
    });
  });

  it("fetch honours an AbortSignal: an aborted signal never reaches the origin, and an abort mid-flight reaches it", async () => {
    const seen: Array<{ path: string; aborted: boolean }> = [];
    const origin = async (r: Request): Promise<Response> => {
      const path = new URL(r.url).pathname;
      if (path === "/slow") await new Promise((resolve) => r.signal.addEventListener("abort", resolve));
      seen.push({ path, aborted: r.signal.aborted });
      return new Response("origin");
    };
    const w = inWorker(`
      const before = await fetch("https://o.example/before", { signal: AbortSignal.abort(new Error("early")) }).then(() => "answered", (e) => e.message);
      const controller = new AbortController();
      const pending = fetch("https://o.example/slow", { signal: controller.signal });
      setTimeout(() => controller.abort(), 5);
      const during = await pending.then(() => "answered", (e) => e.name);
      const timeout = await fetch("https://o.example/slow", { signal: AbortSignal.timeout(5) }).then(() => "answered", (e) => e.name);
      const plain = await (await fetch("https://o.example/plain")).text();
      return Response.json({ before, during, timeout, plain });`, {}, { origin });
    expect(await json(w())).toEqual({ before: "early", during: "AbortError", timeout: "TimeoutError", plain: "origin" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(expect.arrayContaining([{ path: "/slow", aborted: true }, { path: "/plain", aborted: false }]));
    expect(seen.some((s) => s.path === "/before")).toBe(false);
  });
});

describe("URL", () => {
  it("URL.parse and URL.canParse agree with the host's WHATWG parser for any input and base", async () => {
    const parse = inWorker(`return Response.json(input.map(([u, b]) => [URL.canParse(u, b ?? undefined), URL.parse(u, b ?? undefined)?.href ?? null]));`);
    const part = fc.oneof(fc.constantFrom("https://a.example/x", "/p?q#h", "mailto:x", "http://[::1]:8/", "//h/p", "https://ü.example/", "", "a:"), fc.webUrl(), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(part, fc.option(part, { nil: null })), { maxLength: 10 }), async (cases) => {
        const got = await json<Array<[boolean, string | null]>>(parse(cases));
        cases.forEach(([u, b], i) => {
          const base = b ?? undefined;
          expect(got[i]).toEqual([URL.canParse(u, base), URL.canParse(u, base) ? new URL(u, base).href : null]);
        });
      }),
      { numRuns: 30 },
    );
  });
});

describe("events and AbortSignal", () => {
  it("EventTarget: capture, once, passive and signal options; handleEvent objects; a throwing listener is reported, not thrown", async () => {
    const got = await json(inWorker(`
      const t = new EventTarget();
      const calls = [];
      const controller = new AbortController();
      t.addEventListener("x", () => calls.push("once"), { once: true });
      t.addEventListener("x", (e) => { calls.push("passive"); e.preventDefault(); }, { passive: true });
      t.addEventListener("x", { handleEvent: (e) => calls.push("object:" + e.detail) });
      t.addEventListener("x", () => calls.push("removed"), { signal: controller.signal });
      t.addEventListener("x", () => { throw new Error("listener"); });
      t.addEventListener("x", () => calls.push("capture"), true);
      controller.abort();
      const first = t.dispatchEvent(new CustomEvent("x", { detail: 7, cancelable: true }));
      const second = t.dispatchEvent(new CustomEvent("x", { detail: 8, cancelable: true }));
      const e = new Event("y", { cancelable: true });
      t.addEventListener("y", (ev) => ev.preventDefault());
      return Response.json({ calls, first, second, canceled: t.dispatchEvent(e), phase: e.eventPhase, prevented: e.defaultPrevented });`)());
    expect(got).toEqual({
      calls: ["capture", "once", "passive", "object:7", "capture", "passive", "object:8"],
      first: true, second: true, canceled: false, phase: 0, prevented: true,
    });
  });

  it("AbortSignal.any follows its sources, timeout fires, throwIfAborted throws the reason, onabort runs", async () => {
    const got = await json(inWorker(`
      const a = new AbortController(), b = new AbortController();
      const any = AbortSignal.any([a.signal, b.signal]);
      const events = [];
      any.onabort = () => events.push("onabort");
      any.addEventListener("abort", () => events.push("listener"));
      b.abort("b went first");
      a.abort("a");
      let thrown; try { any.throwIfAborted(); } catch (e) { thrown = e; }
      const t = AbortSignal.timeout(1);
      await scheduler.wait(10);
      let illegal; try { new AbortSignal(); } catch (e) { illegal = e.name; }
      return Response.json({ reason: any.reason, thrown, events, timeout: [t.aborted, t.reason.name, t.reason instanceof DOMException, t.reason.code], illegal,
        aborted: [AbortSignal.abort().reason.name, AbortSignal.abort().reason.message] });`)());
    expect(got).toEqual({
      reason: "b went first", thrown: "b went first", events: ["onabort", "listener"], timeout: [true, "TimeoutError", true, 23], illegal: "TypeError",
      aborted: ["AbortError", "This operation was aborted"],
    });
  });

  it("scheduler.wait rejects with the signal's reason when aborted first", async () => {
    const got = await json(inWorker(`
      const c = new AbortController();
      const waiting = scheduler.wait(10_000, { signal: c.signal }).then(() => "waited", (e) => e);
      c.abort("cancelled");
      return Response.json({ waiting: await waiting, already: await scheduler.wait(1, { signal: AbortSignal.abort("x") }).catch((e) => e) });`)());
    expect(got).toEqual({ waiting: "cancelled", already: "x" });
  });
});

describe("Workers platform globals", () => {
  it("navigator, self, scheduler and reportError are there; addEventListener('fetch') says to use the module syntax", async () => {
    const got = await json(inWorker(`
      let fetchListener; try { addEventListener("fetch", () => {}); } catch (e) { fetchListener = e.name; }
      let heard = null; addEventListener("error", (e) => { heard = e.message; e.preventDefault(); });
      reportError(new Error("reported"));
      return Response.json({ ua: navigator.userAgent, cores: navigator.hardwareConcurrency, self: self === globalThis, wait: typeof scheduler.wait,
        fetchListener, heard, navigatorClass: navigator instanceof Navigator });`)());
    expect(got).toEqual({ ua: "Cloudflare-Workers", cores: 1, self: true, wait: "function", fetchListener: "TypeError", heard: "reported", navigatorClass: true });
  });

  it("eval and every function constructor throw workerd's EvalError; eval of a non-string returns it", async () => {
    const got = await json(inWorker(`
      const refused = [];
      const attempts = [() => eval("1 + 1"), () => new Function("return 1"), () => Function("return 1"), () => (function () {}).constructor("return 1"),
        () => (async function () {}).constructor("return 1"), () => (function* () {}).constructor("yield 1"), () => (async function* () {}).constructor("yield 1"),
        () => globalThis.eval("1"), () => Reflect.construct(Function, ["return 1"]), () => Object.getPrototypeOf(async function () {}).constructor("x")];
      for (const attempt of attempts) { try { attempt(); refused.push("allowed"); } catch (e) { refused.push(e instanceof EvalError ? e.message : e.name); } }
      return Response.json({ refused, passthrough: eval(42), instance: (() => {}) instanceof Function, name: Function.name,
        proto: Object.getPrototypeOf(Object.getPrototypeOf(async function () {}).constructor) === Function });`)());
    expect(got).toEqual({
      refused: Array(10).fill("Code generation from strings disallowed for this context"),
      passthrough: 42, instance: true, name: "Function", proto: true,
    });
  });
});

describe("bad use of an API is a typed error in the isolate, never a host failure", () => {
  it("gets the error class workerd gives, and the worker keeps serving", async () => {
    const got = await json(inWorker(`
      const cases = {
        status: () => new Response(null, { status: 99 }),
        nullBodyStatus: () => new Response("x", { status: 204 }),
        headerName: () => new Headers({ "a b": "1" }),
        headerValue: () => new Headers({ a: "x\\ny" }),
        formDataForm: () => new FormData({}),
        blobParts: () => new Blob("abc"),
        fileArgs: () => new File(["x"]),
        event: () => new Event(),
        compression: () => new CompressionStream("br"),
        fixedLength: () => new FixedLengthStream(-1),
        byobOnDefault: () => new ReadableStream().getReader({ mode: "byob" }),
        readerMode: () => new ReadableStream().getReader({ mode: "other" }),
        bodyTwice: async () => { const r = new Response("x"); await r.text(); await r.text(); },
        lockedBody: () => { const s = new ReadableStream(); s.getReader(); return new Response(s); },
        randomQuota: () => crypto.getRandomValues(new Uint8Array(65537)),
        subtleConstructor: () => new SubtleCrypto(),
        digest: () => crypto.subtle.digest("SHA-3", new Uint8Array(1)),
        digestData: () => crypto.subtle.digest("SHA-256", "not bytes"),
        timingSafeEqual: () => crypto.subtle.timingSafeEqual(new Uint8Array(1), new Uint8Array(2)),
      };
      const out = {};
      for (const [name, make] of Object.entries(cases)) {
        try { await make(); out[name] = "no error"; } catch (e) { out[name] = e.constructor.name === "DOMException" ? "DOMException:" + e.name : e.name; }
      }
      return Response.json(out);`)());
    expect(got).toEqual({
      status: "RangeError", nullBodyStatus: "TypeError", headerName: "TypeError", headerValue: "TypeError", formDataForm: "TypeError", blobParts: "TypeError",
      fileArgs: "TypeError", event: "TypeError", compression: "TypeError", fixedLength: "TypeError", byobOnDefault: "TypeError", readerMode: "TypeError",
      bodyTwice: "TypeError", lockedBody: "TypeError", randomQuota: "DOMException:QuotaExceededError", subtleConstructor: "TypeError",
      digest: "DOMException:NotSupportedError", digestData: "TypeError", timingSafeEqual: "TypeError",
    });
  });
});
