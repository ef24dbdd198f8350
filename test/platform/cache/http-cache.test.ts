import { describe, expect, it } from "vitest";
import {
  cacheRequest,
  cacheRequestFromRequest,
  cacheResponseFromResponse,
  responseFromCacheResponse,
  HttpCache,
} from "../../../src/cache/index.js";
import { setup, status } from "./origin-fixture.js";

const URL_A = "https://a.example/style.css";
const get = (url = URL_A, headers: Record<string, string> = {}) => cacheRequest(url, { headers });

describe("HttpCache: freshness and statuses", () => {
  it("goes MISS → HIT (with a growing Age) → EXPIRED → HIT", async () => {
    const { clock, origin, cache } = setup((_r, n) => ({ status: 200, headers: { "cache-control": "max-age=60" }, body: `v${n}` }));
    expect(status(await cache.handle(get()))).toBe("MISS");
    clock.advanceMs(30_000);
    const hit = await cache.handle(get());
    expect([status(hit), hit.headers["age"], hit.body]).toEqual(["HIT", "30", "v1"]);
    clock.advanceMs(30_000);
    const expired = await cache.handle(get());
    expect([status(expired), expired.body]).toEqual(["EXPIRED", "v2"]);
    expect(status(await cache.handle(get()))).toBe("HIT");
    expect(origin.seen).toHaveLength(2);
  });

  it("revalidates a no-cache response on every use and applies the 304's headers (§4.3.4)", async () => {
    const { origin, cache } = setup((request, n) =>
      request.headers["if-none-match"] === '"e1"'
        ? { status: 304, headers: { etag: '"e1"', "x-version": String(n), "cache-control": "no-cache" }, body: "" }
        : { status: 200, headers: { etag: '"e1"', "cache-control": "no-cache", "x-version": "1", "content-length": "4" }, body: "body" },
    );
    expect(status(await cache.handle(get()))).toBe("MISS");
    const again = await cache.handle(get());
    expect([status(again), again.status, again.body, again.headers["x-version"], again.headers["content-length"]]).toEqual(["REVALIDATED", 200, "body", "2", "4"]);
    expect(origin.seen[1]?.headers["if-none-match"]).toBe('"e1"');
    const third = await cache.handle(get());
    expect(third.headers["x-version"]).toBe("3");
  });

  it("revalidates with If-Modified-Since when only Last-Modified is known", async () => {
    const lm = "Mon, 01 Jan 2024 00:00:00 GMT";
    const { clock, origin, cache } = setup((request) =>
      request.headers["if-modified-since"] === lm ? { status: 304, headers: {}, body: "" } : { status: 200, headers: { "last-modified": lm, "cache-control": "max-age=1" }, body: "old" },
    );
    await cache.handle(get());
    clock.advanceMs(2000);
    expect(status(await cache.handle(get()))).toBe("REVALIDATED");
    expect(origin.seen[1]?.headers["if-modified-since"]).toBe(lm);
  });

  it("serves stale while revalidating in the background (RFC 5861)", async () => {
    const { clock, origin, cache } = setup((_r, n) => ({ status: 200, headers: { "cache-control": "max-age=10, stale-while-revalidate=30" }, body: `v${n}` }));
    await cache.handle(get());
    clock.advanceMs(20_000);
    const stale = await cache.handle(get());
    expect([status(stale), stale.body]).toEqual(["UPDATING", "v1"]);
    await cache.settled();
    const fresh = await cache.handle(get());
    expect([status(fresh), fresh.body]).toEqual(["HIT", "v2"]);
    clock.advanceMs(41_000);
    expect(status(await cache.handle(get()))).toBe("EXPIRED");
    expect(origin.seen).toHaveLength(3);
  });

  it("serves stale on origin errors within stale-if-error, and not beyond", async () => {
    let down = false;
    const { clock, cache } = setup(() => (down ? { status: 503, headers: {}, body: "down" } : { status: 200, headers: { "cache-control": "max-age=10, stale-if-error=60" }, body: "ok" }));
    await cache.handle(get());
    down = true;
    clock.advanceMs(30_000);
    const stale = await cache.handle(get());
    expect([status(stale), stale.status, stale.body]).toEqual(["STALE", 200, "ok"]);
    clock.advanceMs(60_000);
    const error = await cache.handle(get());
    expect([error.status, error.body]).toEqual([503, "down"]);
  });

  it("treats an unreachable origin as an error for stale-if-error", async () => {
    let down = false;
    const { clock, cache } = setup(() => (down ? "network-error" : { status: 200, headers: { "cache-control": "max-age=10, stale-if-error=60" }, body: "ok" }));
    expect((await cache.handle(get())).status).toBe(200);
    down = true;
    clock.advanceMs(11_000);
    expect(status(await cache.handle(get()))).toBe("STALE");
    expect((await cache.handle(get("https://a.example/other"))).status).toBe(502);
  });

  it("never serves stale under must-revalidate or s-maxage: a failed revalidation gives 504", async () => {
    for (const cc of ["max-age=10, must-revalidate, stale-if-error=60", "s-maxage=10, stale-while-revalidate=60, stale-if-error=60"]) {
      let down = false;
      const { clock, cache } = setup(() => (down ? "network-error" : { status: 200, headers: { "cache-control": cc }, body: "ok" }));
      await cache.handle(get());
      down = true;
      clock.advanceMs(11_000);
      const r = await cache.handle(get());
      expect([r.status, status(r)]).toEqual([504, "EXPIRED"]);
    }
  });

  it("labels uncacheable answers BYPASS (told not to) or DYNAMIC (nothing to cache)", async () => {
    const { cache } = setup((request) =>
      request.url.endsWith("/private") ? { status: 200, headers: { "cache-control": "private, max-age=60" }, body: "me" } : { status: 200, headers: {}, body: "plain" },
    );
    expect(status(await cache.handle(get("https://a.example/private")))).toBe("BYPASS");
    expect(status(await cache.handle(get("https://a.example/plain")))).toBe("DYNAMIC");
    expect(status(await cache.handle(cacheRequest("https://a.example/plain", { method: "POST" })))).toBe("DYNAMIC");
  });
});

describe("HttpCache: variants, conditionals, invalidation, purge", () => {
  it("keeps one variant per Vary value", async () => {
    const { origin, cache } = setup((request) => ({ status: 200, headers: { "cache-control": "max-age=60", vary: "Accept-Language" }, body: `lang=${request.headers["accept-language"] ?? "-"}` }));
    expect((await cache.handle(get(URL_A, { "accept-language": "fr" }))).body).toBe("lang=fr");
    expect((await cache.handle(get(URL_A, { "accept-language": "de" }))).body).toBe("lang=de");
    const fr = await cache.handle(get(URL_A, { "accept-language": " fr " }));
    expect([status(fr), fr.body]).toEqual(["HIT", "lang=fr"]);
    expect(origin.seen).toHaveLength(2);
  });

  it("answers a client's matching If-None-Match with 304 from cache", async () => {
    const { cache } = setup(() => ({ status: 200, headers: { "cache-control": "max-age=60", etag: 'W/"v1"' }, body: "abc" }));
    await cache.handle(get());
    const r = await cache.handle(get(URL_A, { "if-none-match": '"x", "v1"' }));
    expect([r.status, r.body, r.headers["etag"], status(r)]).toEqual([304, "", 'W/"v1"', "HIT"]);
    expect((await cache.handle(get(URL_A, { "if-none-match": '"other"' }))).status).toBe(200);
  });

  it("invalidates the URL and a same-host Location after a successful unsafe request (§4.4)", async () => {
    const { origin, cache } = setup((request) =>
      request.method === "POST"
        ? { status: 201, headers: { location: "/items/1", "content-location": "https://evil.example/items/2" }, body: "" }
        : { status: 200, headers: { "cache-control": "max-age=600" }, body: request.url },
    );
    for (const u of ["https://a.example/items", "https://a.example/items/1"]) await cache.handle(get(u));
    await cache.handle(cacheRequest("https://a.example/items", { method: "POST" }));
    expect(status(await cache.handle(get("https://a.example/items")))).toBe("MISS");
    expect(status(await cache.handle(get("https://a.example/items/1")))).toBe("MISS");
    expect(origin.seen.filter((r) => r.method === "GET")).toHaveLength(4);
  });

  it("keeps stored responses when the unsafe request fails", async () => {
    const { cache } = setup((request) => (request.method === "DELETE" ? { status: 500, headers: {}, body: "" } : { status: 200, headers: { "cache-control": "max-age=600" }, body: "x" }));
    await cache.handle(get());
    await cache.handle(cacheRequest(URL_A, { method: "DELETE" }));
    expect(status(await cache.handle(get()))).toBe("HIT");
  });

  it("purges by URL (all variants) and by Cache-Tag, and hides Cache-Tag from clients", async () => {
    const { cache } = setup((request) => ({ status: 200, headers: { "cache-control": "max-age=600", "cache-tag": request.url.includes("/img/") ? "images,Product-7" : "css", vary: "accept-encoding" }, body: "x" }));
    const served = await cache.handle(get("https://a.example/img/1.png", { "accept-encoding": "br" }));
    expect(served.headers["cache-tag"]).toBeUndefined();
    await cache.handle(get("https://a.example/img/1.png", { "accept-encoding": "gzip" }));
    await cache.handle(get("https://a.example/img/2.png"));
    await cache.handle(get(URL_A));
    expect(cache.purgeUrl("https://a.example/img/1.png")).toBe(2);
    expect(cache.purgeTag("product-7")).toBe(1);
    expect(status(await cache.handle(get("https://a.example/img/2.png")))).toBe("MISS");
    expect(status(await cache.handle(get(URL_A)))).toBe("HIT");
  });

  it("serves HEAD from a stored GET without a body", async () => {
    const { origin, cache } = setup(() => ({ status: 200, headers: { "cache-control": "max-age=60" }, body: "payload" }));
    await cache.handle(get());
    const head = await cache.handle(cacheRequest(URL_A, { method: "HEAD" }));
    expect([status(head), head.body]).toEqual(["HIT", ""]);
    expect(origin.seen).toHaveLength(1);
  });

  it("coalesces concurrent misses for the same key into one origin request", async () => {
    const { origin, cache } = setup(() => ({ status: 200, headers: { "cache-control": "max-age=60" }, body: "once" }));
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.handle(get())));
    expect(all.every((r) => r.body === "once")).toBe(true);
    expect(origin.seen).toHaveLength(1);
    expect(cache.stats.coalesced).toBe(9);
  });

  it("does not share a private response through coalescing", async () => {
    const { origin, cache } = setup((request) => ({ status: 200, headers: { "cache-control": "private" }, body: request.headers["cookie"] ?? "" }));
    const [a, b] = await Promise.all([cache.handle(get(URL_A, { cookie: "u=alice" })), cache.handle(get(URL_A, { cookie: "u=bob" }))]);
    expect([a.body, b.body]).toEqual(["u=alice", "u=bob"]);
    expect(origin.seen).toHaveLength(2);
  });

  it("converts to and from WHATWG Request/Response", async () => {
    const request = cacheRequestFromRequest(new Request("https://a.example/p", { headers: { "Accept-Language": "en" } }));
    expect(request).toEqual({ method: "GET", url: "https://a.example/p", headers: { "accept-language": "en" } });
    const response = responseFromCacheResponse({ status: 200, headers: { "x-a": "1" }, body: "hi" });
    expect(await response.clone().text()).toBe("hi");
    const back = await cacheResponseFromResponse(response);
    expect([back.status, back.headers["x-a"], new TextDecoder().decode(back.body as Uint8Array)]).toEqual([200, "1", "hi"]);
    expect(HttpCache).toBeTypeOf("function");
  });
});
