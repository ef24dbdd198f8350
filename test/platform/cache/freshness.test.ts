import { describe, expect, it } from "vitest";
import {
  cacheKey,
  cacheRequest,
  currentAgeMs,
  formatHttpDate,
  freshnessLifetimeMs,
  HEURISTIC_FRESHNESS_MS_MAX,
  notStorableReason,
  parseCacheControl,
  type CacheResponse,
} from "../../../src/cache/index.js";

const T0 = 1_700_000_000_000;
const res = (headers: Record<string, string>, status = 200): CacheResponse => ({ status, headers: { date: formatHttpDate(T0), ...headers }, body: "x" });
const get = cacheRequest("https://a.example/x");

describe("freshness lifetime (RFC 9111 §4.2.1, RFC 9213)", () => {
  it.each([
    ["s-maxage wins over max-age and Expires", { "cache-control": "max-age=10, s-maxage=20", expires: formatHttpDate(T0 + 30_000) }, 20_000],
    ["max-age wins over Expires", { "cache-control": "max-age=10", expires: formatHttpDate(T0 + 30_000) }, 10_000],
    ["Expires minus Date", { expires: formatHttpDate(T0 + 30_000) }, 30_000],
    ["an invalid Expires means already expired", { expires: "0" }, 0],
    ["CDN-Cache-Control wins over Cache-Control", { "cache-control": "max-age=10", "cdn-cache-control": "max-age=99" }, 99_000],
    ["Cloudflare-CDN-Cache-Control wins over CDN-Cache-Control", { "cdn-cache-control": "max-age=99", "cloudflare-cdn-cache-control": "max-age=7" }, 7_000],
    ["a targeted field makes Cache-Control's s-maxage irrelevant", { "cache-control": "s-maxage=500", "cdn-cache-control": "max-age=5" }, 5_000],
    ["heuristic: 10% of Date − Last-Modified", { "last-modified": formatHttpDate(T0 - 1000_000) }, 100_000],
    ["heuristic is capped", { "last-modified": formatHttpDate(T0 - 400 * 86400_000) }, HEURISTIC_FRESHNESS_MS_MAX],
    ["a malformed max-age is ignored", { "cache-control": "max-age=ten", expires: formatHttpDate(T0 + 4000) }, 4000],
  ])("%s", (_name, headers, expected) => {
    expect(freshnessLifetimeMs(res(headers))).toBe(expected);
  });

  it("gives no heuristic freshness to a status that is not heuristically cacheable", () => {
    expect(freshnessLifetimeMs(res({ "last-modified": formatHttpDate(T0 - 1000_000) }, 302))).toBe(0);
  });

  it("parses directives case-insensitively and keeps the first of duplicates", () => {
    const d = parseCacheControl('Public, MAX-AGE=5, max-age=9, stale-while-revalidate="30", no-cache');
    expect(d).toMatchObject({ public: true, maxAgeS: 5, staleWhileRevalidateS: 30, noCache: true, noStore: false });
  });
});

describe("storability for a shared cache (RFC 9111 §3)", () => {
  const auth = cacheRequest("https://a.example/x", { headers: { authorization: "Bearer t" } });
  it.each([
    ["no-store", get, res({ "cache-control": "no-store, max-age=60" }), "no-store"],
    ["private", get, res({ "cache-control": "private, max-age=60" }), "private"],
    ["no-store in the request", cacheRequest("https://a.example/x", { headers: { "cache-control": "no-store" } }), res({ "cache-control": "max-age=60" }), "no-store"],
    ["Authorization without permission", auth, res({ "cache-control": "max-age=60" }), "authorization"],
    ["Authorization with public", auth, res({ "cache-control": "public, max-age=60" }), null],
    ["Authorization with s-maxage", auth, res({ "cache-control": "s-maxage=60" }), null],
    ["Authorization with must-revalidate", auth, res({ "cache-control": "must-revalidate, max-age=60" }), null],
    ["Set-Cookie (edge policy)", get, res({ "cache-control": "max-age=60", "set-cookie": "a=1" }), "set-cookie"],
    ["Vary: *", get, res({ "cache-control": "max-age=60", vary: "*" }), "vary-star"],
    ["206 partial content", get, res({ "cache-control": "max-age=60" }, 206), "status"],
    ["500 without explicit freshness", get, res({}, 500), "status"],
    ["500 with max-age", get, res({ "cache-control": "max-age=5" }, 500), null],
    ["404 with a validator (heuristically cacheable)", get, res({ etag: '"a"' }, 404), null],
    ["200 with nothing to go on", get, res({}), "no-freshness"],
    ["private in CDN-Cache-Control", get, res({ "cache-control": "max-age=60", "cdn-cache-control": "private" }), "private"],
  ])("%s → %s", (_name, request, response, reason) => {
    expect(notStorableReason(request, response)).toBe(reason);
  });
});

describe("Age (RFC 9111 §4.2.3)", () => {
  it("adds the Age header, the response delay and the resident time", () => {
    // Origin said Date = T0, the response left an upstream cache with Age 10, took 2 s to
    // arrive, and has sat here 5 s.
    const r = res({ age: "10" });
    const age = currentAgeMs(r, { requestTimeMs: T0 + 1000, responseTimeMs: T0 + 3000 }, T0 + 8000);
    // corrected_age_value = 10 s + 2 s = 12 s beats apparent_age = 3 s; plus 5 s resident.
    expect(age).toBe(17_000);
  });

  it("uses the apparent age when the Date is older than Age suggests", () => {
    const r = res({ age: "1" });
    expect(currentAgeMs(r, { requestTimeMs: T0 + 60_000, responseTimeMs: T0 + 60_000 }, T0 + 60_000)).toBe(60_000);
  });
});

describe("cache key", () => {
  it("uses scheme, host, path and query, configurably", () => {
    expect(cacheKey("https://A.example/p?b=2&a=1")).toBe("https://a.example/p?b=2&a=1");
    expect(cacheKey("https://a.example/p?b=2&a=1")).not.toBe(cacheKey("http://a.example/p?b=2&a=1"));
    expect(cacheKey("https://a.example/p?b=2&a=1", { sortQueryString: true })).toBe(cacheKey("https://a.example/p?a=1&b=2", { sortQueryString: true }));
    expect(cacheKey("https://a.example/p?b=2", { ignoreQueryString: true })).toBe("https://a.example/p");
    expect(cacheKey("https://a.example/x/../p")).toBe("https://a.example/p");
    expect(cacheKey("http://a.example/p", { includeScheme: false })).toBe(cacheKey("https://a.example/p", { includeScheme: false }));
  });
});
