// The Workers Cache API on a PoP's RFC 9111 tier (src/cache/cache-api.ts): Cloudflare's
// documented put/match/delete rules, freshness from the stored response, Vary variants, named
// caches beside `caches.default`, and purges that reach both.
import { describe, expect, it } from "vitest";
import { CACHE_PUT_ERRORS, PopCacheApi, cacheRequest, type CacheResponse } from "../../../src/cache/index.js";
import { NAMED_CACHES_MAX } from "../../../src/cache/http-cache.js";
import { setup, status, T0 } from "./origin-fixture.js";

const URL_A = "https://shop.example/a";
const get = (url = URL_A, headers: Record<string, string> = {}) => cacheRequest(url, { headers });
const ok = (headers: Record<string, string>, body: string | Uint8Array = "body"): CacheResponse => ({ status: 200, headers, body });
const text = (r: CacheResponse | undefined): string | undefined => (r === undefined ? undefined : typeof r.body === "string" ? r.body : new TextDecoder().decode(r.body));

function api(origin: Parameters<typeof setup>[0] = () => ({ status: 200, headers: { "cache-control": "max-age=60" }, body: "from origin" })) {
  const { clock, cache, origin: o } = setup(origin);
  return { clock, tier: cache, origin: o, api: new PopCacheApi(cache, clock) };
}

describe("Cache API put: Cloudflare's refusals (TypeError, workerd's messages)", () => {
  it.each([
    ["a non-GET request", cacheRequest(URL_A, { method: "POST" }), ok({ "cache-control": "max-age=60" }), CACHE_PUT_ERRORS.method],
    ["a HEAD request", cacheRequest(URL_A, { method: "HEAD" }), ok({ "cache-control": "max-age=60" }), CACHE_PUT_ERRORS.method],
    ["a 206 response", get(), { status: 206, headers: { "cache-control": "max-age=60", "content-range": "bytes 0-3/10" }, body: "body" }, CACHE_PUT_ERRORS.partial],
    ["Vary: *", get(), ok({ "cache-control": "max-age=60", vary: "*" }), CACHE_PUT_ERRORS.varyStar],
    ["Vary: * in a list", get(), ok({ "cache-control": "max-age=60", vary: "Accept, *" }), CACHE_PUT_ERRORS.varyStar],
  ])("refuses %s", (_what, request, response, message) => {
    const { api: cache } = api();
    expect(() => cache.put(null, request, response)).toThrow(TypeError);
    expect(() => cache.put(null, request, response)).toThrow(message);
    expect(cache.match(null, get(), { ignoreMethod: true })).toBeUndefined();
  });
});

describe("Cache API put: what is stored", () => {
  it("stores a fresh response and matches it with Age and cf-cache-status HIT, until it is stale", () => {
    const { api: cache, clock } = api();
    expect(cache.put(null, get(), ok({ "cache-control": "max-age=60" }, "v1"))).toBe(true);
    clock.advanceMs(59_000);
    const hit = cache.match(null, get())!;
    expect([hit.status, text(hit), hit.headers["age"], hit.headers["cf-cache-status"]]).toEqual([200, "v1", "59", "HIT"]);
    clock.advanceMs(1_000);
    expect(cache.match(null, get())).toBeUndefined();
  });

  it.each([
    ["no-store", { "cache-control": "no-store, max-age=60" }],
    ["private", { "cache-control": "private, max-age=60" }],
    ["Set-Cookie", { "cache-control": "max-age=60", "set-cookie": "id=1" }],
    ["Set-Cookie with private naming another field", { "cache-control": 'private="x-user", max-age=60', "set-cookie": "id=1" }],
    ["an explicit lifetime of 0 and no validator", { "cache-control": "max-age=0" }],
    ["a CDN-Cache-Control no-store over a public Cache-Control", { "cache-control": "public, max-age=60", "cdn-cache-control": "no-store" }],
  ])("accepts but does not store a response with %s", (_what, headers) => {
    const { api: cache } = api();
    expect(cache.put(null, get(), ok(headers))).toBe(false);
    expect(cache.match(null, get())).toBeUndefined();
  });

  it("without max-age, s-maxage or Expires, keeps a response for Cloudflare's default Edge TTL of its status, to the second", () => {
    const cases: Array<[number, number | null]> = [[200, 7200], [206, null], [301, 7200], [302, 1200], [303, 1200], [404, 180], [410, 180], [203, null], [307, null], [500, null], [503, null]];
    for (const [code, ttlS] of cases) {
      const { api: cache, clock } = api();
      const response: CacheResponse = { status: code, headers: { "last-modified": new Date(T0 - 10 * 86_400_000).toUTCString() }, body: "x" };
      if (code === 206) {
        expect(() => cache.put(null, get(), response)).toThrow(CACHE_PUT_ERRORS.partial);
        continue;
      }
      expect([code, cache.put(null, get(), response)]).toEqual([code, ttlS !== null]);
      if (ttlS === null) continue;
      clock.advanceMs(ttlS * 1000 - 1000);
      expect([code, cache.match(null, get())?.status]).toEqual([code, code]);
      clock.advanceMs(1000);
      expect([code, cache.match(null, get())]).toEqual([code, undefined]);
    }
  });

  it("an explicit lifetime wins over the default Edge TTL, from the field that governs (CDN-Cache-Control over Expires)", () => {
    const { api: cache, clock } = api();
    cache.put(null, get("https://shop.example/e"), ok({ expires: new Date(T0 + 30_000).toUTCString(), date: new Date(T0).toUTCString() }));
    cache.put(null, get("https://shop.example/c"), ok({ "cdn-cache-control": "public", expires: new Date(T0 + 30_000).toUTCString() }));
    cache.put(null, get("https://shop.example/m"), ok({ "cache-control": "public, max-age=10" }));
    clock.advanceMs(10_000);
    expect(cache.match(null, get("https://shop.example/m"))).toBeUndefined();
    clock.advanceMs(20_000);
    expect(cache.match(null, get("https://shop.example/e"))).toBeUndefined();
    // CDN-Cache-Control without a lifetime governs, so Expires is not read: the default TTL applies.
    expect(text(cache.match(null, get("https://shop.example/c")))).toBe("body");
  });

  it("private=Set-Cookie stores the response without its Set-Cookie (quoted and unquoted, any position)", () => {
    for (const cc of ["private=Set-Cookie, max-age=60", 'max-age=60, private="set-cookie"', 'public, private="Set-Cookie, X-User", max-age=60']) {
      const { api: cache } = api();
      expect(cache.put(null, get(), ok({ "cache-control": cc, "set-cookie": "id=1", "x-user": "u", "x-kept": "k" }))).toBe(true);
      const hit = cache.match(null, get())!;
      expect(hit.headers["set-cookie"]).toBeUndefined();
      expect(hit.headers["x-kept"]).toBe("k");
      expect(hit.headers["cache-control"]).toBe(cc);
    }
  });

  it("ignores the request's own Cache-Control and Authorization on put (Cloudflare does not honour request headers)", () => {
    const { api: cache } = api();
    expect(cache.put(null, get(URL_A, { "cache-control": "no-store", authorization: "Bearer t" }), ok({ "cache-control": "max-age=60" }))).toBe(true);
    expect(text(cache.match(null, get()))).toBe("body");
  });

  it("a later put replaces the entry; a response without Date gets one", () => {
    const { api: cache, clock } = api();
    cache.put(null, get(), ok({ "cache-control": "max-age=60" }, "v1"));
    clock.advanceMs(10_000);
    cache.put(null, get(), ok({ "cache-control": "max-age=60" }, "v2"));
    const hit = cache.match(null, get())!;
    expect([text(hit), hit.headers["age"], hit.headers["date"]]).toEqual(["v2", "0", new Date(T0 + 10_000).toUTCString()]);
  });

  it("no-cache and an s-maxage of 0 are stored but never matched (the Cache API never revalidates)", () => {
    const { api: cache } = api();
    expect(cache.put(null, get(), ok({ "cache-control": "no-cache", etag: '"e"' }))).toBe(true);
    expect(cache.match(null, get())).toBeUndefined();
    expect(cache.put(null, get("https://shop.example/b"), ok({ "cache-control": "s-maxage=0, max-age=600" }))).toBe(false);
  });
});

describe("Cache API match and delete", () => {
  it("matches only GET unless ignoreMethod; delete likewise, and reports whether it removed something", () => {
    const { api: cache } = api();
    cache.put(null, get(), ok({ "cache-control": "max-age=60" }));
    const post = cacheRequest(URL_A, { method: "POST" });
    expect(cache.match(null, post)).toBeUndefined();
    expect(text(cache.match(null, post, { ignoreMethod: true }))).toBe("body");
    expect(cache.delete(null, post)).toBe(false);
    expect(cache.delete(null, post, { ignoreMethod: true })).toBe(true);
    expect(cache.delete(null, get())).toBe(false);
    expect(cache.match(null, get())).toBeUndefined();
  });

  it("keeps one variant per Vary value and selects by the request's header", () => {
    const { api: cache } = api();
    const headers = { "cache-control": "max-age=60", vary: "Accept-Language" };
    cache.put(null, get(URL_A, { "accept-language": "fr" }), ok(headers, "bonjour"));
    cache.put(null, get(URL_A, { "accept-language": "de" }), ok(headers, "hallo"));
    expect(text(cache.match(null, get(URL_A, { "accept-language": "fr" })))).toBe("bonjour");
    expect(text(cache.match(null, get(URL_A, { "accept-language": "de" })))).toBe("hallo");
    expect(cache.match(null, get(URL_A, { "accept-language": "en" }))).toBeUndefined();
    expect(cache.match(null, get(URL_A))).toBeUndefined();
  });

  it("answers If-None-Match and If-Modified-Since with a 304 carrying the validators", () => {
    const { api: cache } = api();
    const lastModified = new Date(T0 - 3_600_000).toUTCString();
    cache.put(null, get(), ok({ "cache-control": "max-age=60", etag: '"v7"', "last-modified": lastModified, "x-other": "o" }));
    const inm = cache.match(null, get(URL_A, { "if-none-match": 'W/"v7"' }))!;
    expect([inm.status, inm.headers["etag"], inm.headers["x-other"], inm.headers["cf-cache-status"], text(inm)]).toEqual([304, '"v7"', undefined, "HIT", ""]);
    expect(cache.match(null, get(URL_A, { "if-none-match": '"v6"' }))!.status).toBe(200);
    expect(cache.match(null, get(URL_A, { "if-modified-since": new Date(T0).toUTCString() }))!.status).toBe(304);
    expect(cache.match(null, get(URL_A, { "if-modified-since": new Date(T0 - 7_200_000).toUTCString() }))!.status).toBe(200);
  });

  it("answers a single byte Range with a 206 and Content-Range; an unsatisfiable one with a 416", () => {
    const { api: cache } = api();
    cache.put(null, get(), ok({ "cache-control": "max-age=60", "content-length": "10" }, "0123456789"));
    const cases: Array<[string, number, string, string | undefined]> = [
      ["bytes=0-3", 206, "0123", "bytes 0-3/10"],
      ["bytes=7-", 206, "789", "bytes 7-9/10"],
      ["bytes=-2", 206, "89", "bytes 8-9/10"],
      ["bytes=8-100", 206, "89", "bytes 8-9/10"],
      ["bytes=9-9", 206, "9", "bytes 9-9/10"],
      ["bytes=10-", 416, "", "bytes */10"],
      ["bytes=-0", 416, "", "bytes */10"],
      ["bytes=5-2", 200, "0123456789", undefined],
      ["bytes=0-1,4-5", 200, "0123456789", undefined],
      ["items=0-1", 200, "0123456789", undefined],
    ];
    for (const [range, code, body, contentRange] of cases) {
      const r = cache.match(null, get(URL_A, { range }))!;
      expect([range, r.status, text(r), r.headers["content-range"]]).toEqual([range, code, body, contentRange]);
      if (code !== 200) expect(r.headers["content-length"]).toBeUndefined();
    }
  });
});

describe("Cache API namespaces: caches.default is the PoP's cache, named caches are apart", () => {
  it("caches.default shares the tier's store: fetch() through the PoP hits what put stored, and the reverse", async () => {
    const { api: cache, tier, origin } = api();
    cache.put(null, get(), ok({ "cache-control": "max-age=60" }, "put by a worker"));
    const through = await tier.handle(get());
    expect([status(through), through.body]).toEqual(["HIT", "put by a worker"]);
    expect(origin.seen).toHaveLength(0);
    await tier.handle(get("https://shop.example/fetched"));
    expect(text(cache.match(null, get("https://shop.example/fetched")))).toBe("from origin");
  });

  it("named caches are separate keyspaces, from the default and from each other, adversarial names included", () => {
    const { api: cache } = api();
    const names = ["", "__proto__", "constructor", "hasOwnProperty", "ünïcødé", "a:b", "a", "a\u0000b"];
    names.forEach((name, i) => cache.put(name, get(), ok({ "cache-control": "max-age=60" }, `named ${i}`)));
    names.forEach((name, i) => expect(text(cache.match(name, get()))).toBe(`named ${i}`));
    expect(cache.match(null, get())).toBeUndefined();
    expect(cache.delete("__proto__", get())).toBe(true);
    expect(cache.match("__proto__", get())).toBeUndefined();
    expect(text(cache.match("constructor", get()))).toBe("named 2");
  });

  it(`keeps at most ${NAMED_CACHES_MAX} named caches per PoP, dropping the least recently opened`, () => {
    const { api: cache } = api();
    for (let i = 0; i < NAMED_CACHES_MAX; i++) cache.put(`c${i}`, get(), ok({ "cache-control": "max-age=60" }, `c${i}`));
    expect(text(cache.match("c0", get()))).toBe("c0"); // c0 is now the most recently used
    cache.put("one-more", get(), ok({ "cache-control": "max-age=60" }));
    expect(text(cache.match("c0", get()))).toBe("c0");
    expect(cache.match("c1", get())).toBeUndefined();
    // Looking up a dropped (or never used) name creates nothing and evicts nothing.
    expect(cache.delete("never-opened", get())).toBe(false);
    for (let i = 2; i < NAMED_CACHES_MAX; i++) expect(text(cache.match(`c${i}`, get()))).toBe(`c${i}`);
    expect(text(cache.match("one-more", get()))).toBe("body");
  });

  it("purge by URL and by Cache-Tag reach the named caches as well as the default", () => {
    const { api: cache, tier } = api();
    const tagged = ok({ "cache-control": "max-age=60", "cache-tag": "Product-1,all" });
    cache.put(null, get(), tagged);
    cache.put("named", get(), tagged);
    cache.put("named", get("https://shop.example/b"), tagged);
    expect(tier.purgeUrl(URL_A)).toBe(2);
    expect(cache.match(null, get())).toBeUndefined();
    expect(cache.match("named", get())).toBeUndefined();
    expect(text(cache.match("named", get("https://shop.example/b")))).toBe("body");
    expect(tier.purgeTag("product-1")).toBe(1);
    expect(cache.match("named", get("https://shop.example/b"))).toBeUndefined();
  });
});
