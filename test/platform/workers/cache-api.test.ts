// The Cache API inside the isolate (`caches`, runtime/lazy/cache.js, host side in
// cache-bridge.ts): a real worker stores, matches and deletes; on the edge, each PoP has its own
// cache (Cloudflare's does not replicate), and `caches.default` is the cache `fetch()` reads.
import { afterAll, describe, expect, it } from "vitest";
import { CACHE_PUT_ERRORS } from "../../../src/cache/index.js";
import { Edge, PerPopWorkers, type OriginHandler } from "../../../src/edge/index.js";
import { VirtualClock } from "../../../src/sim/index.js";
import { Worker } from "../../../src/workers/index.js";
import { disposeWorkers, inWorker, json } from "./in-worker.js";

afterAll(disposeWorkers);

describe("caches in a worker", () => {
  it("is lazy: a worker that never reads `caches` has not loaded the module", async () => {
    const w = inWorker(`
      const before = typeof Object.getOwnPropertyDescriptor(globalThis, "caches").get;
      const open = typeof caches.open;
      const after = typeof Object.getOwnPropertyDescriptor(globalThis, "caches").get;
      return Response.json({ before, open, after });`);
    expect(await json(w())).toEqual({ before: "function", open: "function", after: "undefined" });
  });

  it("put then match returns the stored status, headers and bytes, with cf-cache-status HIT; delete removes it", async () => {
    const w = inWorker(`
      const cache = caches.default;
      const bytes = new Uint8Array([0, 1, 2, 255, 254, 0x80]);
      const stored = await cache.put(new Request("https://shop.example/bin?q=1"), new Response(bytes, { status: 203, headers: { "cache-control": "max-age=300", "x-a": "1" } }));
      const hit = await cache.match("https://shop.example/bin?q=1");
      const other = await cache.match(new URL("https://shop.example/bin?q=2"));
      const out = { stored: stored === undefined, status: hit.status, xa: hit.headers.get("x-a"), cf: hit.headers.get("cf-cache-status"),
        bytes: [...new Uint8Array(await hit.arrayBuffer())], other: other === undefined };
      out.deleted = await cache.delete("https://shop.example/bin?q=1");
      out.again = await cache.delete("https://shop.example/bin?q=1");
      out.gone = (await cache.match("https://shop.example/bin?q=1")) === undefined;
      return Response.json(out);`);
    expect(await json(w())).toEqual({ stored: true, status: 203, xa: "1", cf: "HIT", bytes: [0, 1, 2, 255, 254, 0x80], other: true, deleted: true, again: false, gone: true });
  });

  it("refuses a non-GET put, a 206 and Vary: * with workerd's TypeErrors, and a non-Response", async () => {
    const w = inWorker(`
      const cache = caches.default;
      const attempt = async (request, response) => { try { await cache.put(request, response); return "stored"; } catch (e) { return e.constructor.name + ": " + e.message; } };
      return Response.json([
        await attempt(new Request("https://s.example/", { method: "POST", body: "x" }), new Response("x", { headers: { "cache-control": "max-age=60" } })),
        await attempt("https://s.example/", new Response("x", { status: 206, headers: { "cache-control": "max-age=60" } })),
        await attempt("https://s.example/", new Response("x", { headers: { "cache-control": "max-age=60", vary: "*" } })),
        await attempt("https://s.example/", { status: 200 }),
        await attempt("not a url", new Response("x")),
      ]);`);
    const [post, partial, vary, notResponse, badUrl] = (await json(w())) as string[];
    expect(post).toBe(`TypeError: ${CACHE_PUT_ERRORS.method}`);
    expect(partial).toBe(`TypeError: ${CACHE_PUT_ERRORS.partial}`);
    expect(vary).toBe(`TypeError: ${CACHE_PUT_ERRORS.varyStar}`);
    expect(notResponse).toMatch(/^TypeError: .*not of type 'Response'/);
    expect(badUrl).toMatch(/^TypeError: /);
  });

  it("accepts but does not store Set-Cookie or no-store responses; private=Set-Cookie stores without the cookie", async () => {
    const w = inWorker(`
      const cache = await caches.open("cookies");
      await cache.put("https://s.example/c", new Response("c", { headers: { "cache-control": "max-age=60", "set-cookie": "id=1" } }));
      await cache.put("https://s.example/n", new Response("n", { headers: { "cache-control": "no-store" } }));
      await cache.put("https://s.example/p", new Response("p", { headers: { "cache-control": "private=Set-Cookie, max-age=60", "set-cookie": "id=1" } }));
      const p = await cache.match("https://s.example/p");
      return Response.json({ c: (await cache.match("https://s.example/c")) === undefined, n: (await cache.match("https://s.example/n")) === undefined,
        p: await p.text(), cookie: p.headers.get("set-cookie") });`);
    expect(await json(w())).toEqual({ c: true, n: true, p: "p", cookie: null });
  });

  it("named caches are apart from caches.default and from each other; match and delete honour ignoreMethod", async () => {
    const w = inWorker(`
      const a = await caches.open("a"), b = await caches.open("__proto__");
      const headers = { "cache-control": "max-age=60" };
      await caches.default.put("https://s.example/k", new Response("default", { headers }));
      await a.put("https://s.example/k", new Response("a", { headers }));
      const text = async (r) => (r === undefined ? null : await r.text());
      const post = new Request("https://s.example/k", { method: "POST" });
      return Response.json({
        d: await text(await caches.default.match("https://s.example/k")), a: await text(await a.match("https://s.example/k")),
        b: await text(await b.match("https://s.example/k")), again: await text(await (await caches.open("a")).match("https://s.example/k")),
        post: await text(await a.match(post)), ignore: await text(await a.match(post, { ignoreMethod: true })),
        delPost: await a.delete(post), delIgnore: await a.delete(post, { ignoreMethod: true }),
        same: caches.default === caches.default,
      });`);
    expect(await json(w())).toEqual({ d: "default", a: "a", b: null, again: "a", post: null, ignore: "a", delPost: false, delIgnore: true, same: true });
  });

  it("Cache and CacheStorage cannot be constructed; caches.open needs a name", async () => {
    const w = inWorker(`
      const fails = (f) => { try { f(); return null; } catch (e) { return e.constructor.name; } };
      let open; try { await caches.open(); } catch (e) { open = e.constructor.name; }
      return Response.json({ cache: fails(() => new Cache()), storage: fails(() => new CacheStorage()), open,
        proto: Object.getPrototypeOf(caches.default) === Cache.prototype && caches instanceof CacheStorage });`);
    expect(await json(w())).toEqual({ cache: "TypeError", storage: "TypeError", open: "TypeError", proto: true });
  });

  it("the standalone worker's cache survives an isolate restart (it belongs to the Worker, not the isolate)", async () => {
    const source = `export default { async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/put") { await caches.default.put("https://s.example/x", new Response("kept", { headers: { "cache-control": "max-age=600" } })); return new Response("ok"); }
      if (url.pathname === "/spin") { for (;;) {} }
      const hit = await caches.default.match("https://s.example/x");
      return new Response(hit === undefined ? "miss" : await hit.text());
    } };`;
    // A budget that a cold start on a loaded machine stays within; the spin exceeds any.
    const w = new Worker(source, { name: "cache-restart", cpuMsMax: 500 });
    try {
      expect((await w.fetch(new Request("https://s.example/put"))).outcome).toBe("ok");
      expect((await w.fetch(new Request("https://s.example/spin"))).outcome).not.toBe("ok");
      const after = await w.fetch(new Request("https://s.example/get"));
      expect(await after.response.text()).toBe("kept");
    } finally {
      w.dispose();
    }
  });
});

describe("caches on the edge: one cache per PoP, shared with fetch()", () => {
  const clock = new VirtualClock(1_800_000_000_000);
  let originHits = 0;
  const origin: OriginHandler = async () => {
    originHits++;
    return new Response(`origin ${originHits}`, { headers: { "cache-control": "max-age=600" } });
  };
  const edge = new Edge({ clock, seed: 11, origin, waf: false });
  const source = `export default { async fetch(request) {
    const url = new URL(request.url);
    const key = "https://shop.example/item";
    if (url.pathname === "/put") { await caches.default.put(key, new Response("put at " + request.cf.colo, { headers: { "cache-control": "max-age=60" } })); return new Response("stored"); }
    if (url.pathname === "/match") { const hit = await caches.default.match(key); return new Response(hit === undefined ? "miss" : await hit.text()); }
    if (url.pathname === "/fetch") { const r = await fetch(key); return new Response(await r.text(), { headers: { "x-status": r.headers.get("cf-cache-status") ?? "" } }); }
    return new Response("?", { status: 404 });
  } };`;
  edge.attachWorker(new PerPopWorkers({ name: "cache", source, clock, cpuMsMax: 1_000, originFor: (pop) => edge.originFor(pop), cacheFor: (pop) => edge.cacheApiFor(pop) }));
  afterAll(() => edge.attachWorker(undefined));
  const at = async (pop: string, path: string): Promise<Response> => (await edge.handle(new Request(`https://shop.example${path}`), { clientIp: "198.51.100.7", pop })).response;

  it("what a worker puts at one PoP is found there and not at another (the Cache API does not replicate)", async () => {
    expect(await (await at("LHR", "/put")).text()).toBe("stored");
    expect(await (await at("LHR", "/match")).text()).toBe("put at LHR");
    expect(await (await at("NRT", "/match")).text()).toBe("miss");
  });

  it("caches.default is the PoP's cache: fetch() at that PoP is a HIT on what was put, without the origin", async () => {
    const before = originHits;
    const r = await at("LHR", "/fetch");
    expect([await r.text(), r.headers.get("x-status")]).toEqual(["put at LHR", "HIT"]);
    expect(originHits).toBe(before);
    // And what fetch() stored at another PoP is visible to that PoP's Cache API.
    const fetched = await at("SYD", "/fetch");
    expect(fetched.headers.get("x-status")).toBe("MISS");
    expect(await (await at("SYD", "/match")).text()).toBe(`origin ${originHits}`);
  });

  it("entries expire with virtual time, and a zone purge removes them", async () => {
    await at("FRA", "/put");
    expect(await (await at("FRA", "/match")).text()).toBe("put at FRA");
    clock.advanceMs(61_000);
    expect(await (await at("FRA", "/match")).text()).toBe("miss");
    await at("FRA", "/put");
    expect(edge.cache.purgeUrl("https://shop.example/item")).toBeGreaterThan(0);
    expect(await (await at("FRA", "/match")).text()).toBe("miss");
  });
});
