import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BOT_SCORE_MAX, BOT_SCORE_MIN, botScore, wafRequest } from "../../../src/waf/index.js";

const CHROME = {
  "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  accept: "text/html,application/xhtml+xml,*/*;q=0.8",
  "accept-language": "en-GB,en;q=0.9",
  "accept-encoding": "gzip, deflate, br, zstd",
  "sec-ch-ua": '"Chromium";v="124"',
  "sec-fetch-mode": "navigate",
};
const calm = { requestsLastMinute: 3 };

describe("bot score", () => {
  it("scores a complete browser request as likely human (> 80)", () => {
    expect(botScore(wafRequest("https://a.example/", { headers: CHROME }), calm)).toBeGreaterThan(80);
  });

  it.each([
    ["curl/8.5.0", { accept: "*/*" }],
    ["python-requests/2.31.0", { accept: "*/*", "accept-encoding": "gzip, deflate" }],
    ["Go-http-client/1.1", {}],
  ])("scores %s as automated (< 30)", (ua, extra) => {
    expect(botScore(wafRequest("https://a.example/", { headers: { "user-agent": ua, ...extra } }), calm)).toBeLessThan(30);
  });

  it("gives 1 to a request with no user agent or a scanner's", () => {
    expect(botScore(wafRequest("https://a.example/", { headers: { accept: "*/*" } }), calm)).toBe(1);
    expect(botScore(wafRequest("https://a.example/", { headers: { "user-agent": "sqlmap/1.7.2#stable" } }), calm)).toBe(1);
  });

  it("lowers the score of a browser-looking client that lacks Accept-Language", () => {
    const { ["accept-language"]: _dropped, ...noLang } = CHROME;
    const full = botScore(wafRequest("https://a.example/", { headers: CHROME }), calm);
    expect(botScore(wafRequest("https://a.example/", { headers: noLang }), calm)).toBeLessThan(full);
  });

  it("penalises a browser user agent sent with an HTTP library's header order", () => {
    const { accept, ["accept-encoding"]: encoding, ...rest } = CHROME;
    const browserOrder = { ...rest, accept, "accept-encoding": encoding };
    const libraryOrder = { ...rest, "accept-encoding": encoding, accept };
    const honest = botScore(wafRequest("https://a.example/", { headers: browserOrder }), calm);
    expect(botScore(wafRequest("https://a.example/", { headers: libraryOrder }), calm)).toBeLessThan(honest);
  });

  it("never rises as the request rate rises, and stays within 1..99", () => {
    const headerSets = fc.subarray(Object.keys(CHROME)).map((keys) => Object.fromEntries(keys.map((k) => [k, CHROME[k as keyof typeof CHROME]])));
    fc.assert(
      fc.property(headerSets, fc.nat(1000), fc.nat(1000), (headers, r1, r2) => {
        const req = wafRequest("https://a.example/", { headers });
        const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        const a = botScore(req, { requestsLastMinute: lo });
        const b = botScore(req, { requestsLastMinute: hi });
        expect(b).toBeLessThanOrEqual(a);
        for (const s of [a, b]) {
          expect(s).toBeGreaterThanOrEqual(BOT_SCORE_MIN);
          expect(s).toBeLessThanOrEqual(BOT_SCORE_MAX);
        }
        // Deterministic: the same inputs give the same score.
        expect(botScore(req, { requestsLastMinute: lo })).toBe(a);
      }),
      { numRuns: 200 },
    );
  });
});
