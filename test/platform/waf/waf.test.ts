import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/index.js";
import { Waf, WafRuleSyntaxError, wafRequest, wafRequestFromRequest, type CustomRule, type RateLimitRule } from "../../../src/waf/index.js";

const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  accept: "text/html,*/*",
  "accept-language": "en",
  "accept-encoding": "gzip, br",
};
const get = (url: string, clientIp = "198.51.100.10", headers: Record<string, string> = BROWSER) => wafRequest(url, { clientIp, headers });

function waf(customRules: CustomRule[], rateLimitRules: RateLimitRule[] = [], clock = new VirtualClock()): Waf {
  return new Waf({ clock, customRules, rateLimitRules });
}

describe("custom rules", () => {
  it("blocks or challenges on the first terminating match and records it", () => {
    const w = waf([
      { id: "log-admin", expression: 'starts_with(http.request.uri.path, "/admin")', action: "log" },
      { id: "challenge-bots", expression: "cf.bot_score lt 30", action: "challenge" },
      { id: "block-admin", expression: 'http.request.uri.path eq "/admin"', action: "block" },
    ]);
    const human = w.inspect(get("https://a.example/admin"));
    expect(human).toMatchObject({ action: "block", ruleId: "block-admin", phase: "http_request_firewall_custom" });
    expect(human.events.map((e) => e.ruleId)).toEqual(["log-admin", "block-admin"]);
    const curl = w.inspect(get("https://a.example/admin", "198.51.100.11", { "user-agent": "curl/8.5.0" }));
    expect(curl).toMatchObject({ action: "challenge", ruleId: "challenge-bots" });
    expect(w.inspect(get("https://a.example/home"))).toMatchObject({ action: "allow", events: [] });
  });

  it("skip without phases skips the remaining custom rules but not the managed rules", () => {
    const w = waf([
      { id: "trust-office", expression: "ip.src in {10.0.0.0/8}", action: "skip" },
      { id: "block-all", expression: 'http.request.method eq "GET"', action: "block" },
    ]);
    expect(w.inspect(get("https://a.example/", "10.1.2.3")).action).toBe("allow");
    expect(w.inspect(get("https://a.example/", "11.1.2.3")).ruleId).toBe("block-all");
    const attack = w.inspect(get("https://a.example/?q=%3Cscript%3Ealert(1)%3C/script%3E", "10.1.2.3"));
    expect(attack).toMatchObject({ action: "block", phase: "http_request_firewall_managed" });
  });

  it("skip with phases turns off later phases for that request only", () => {
    const w = waf([{ id: "scanner-allow", expression: 'http.request.headers["x-pentest"] eq "ok"', action: "skip", skipPhases: ["http_request_firewall_managed"] }]);
    const url = "https://a.example/?id=1%27%20OR%20%271%27=%271";
    expect(w.inspect(get(url)).action).toBe("block");
    expect(w.inspect(get(url, "198.51.100.10", { ...BROWSER, "x-pentest": "ok" })).action).toBe("allow");
  });

  it("inspects a WHATWG Request converted with wafRequestFromRequest", () => {
    const w = waf([{ id: "api-key", expression: 'http.request.headers["x-api-key"] ne "k1" and starts_with(http.request.uri.path, "/api/")', action: "block" }]);
    const ok = new Request("https://a.example/api/v1?x=1", { headers: { "X-Api-Key": "k1", ...BROWSER } });
    const bad = new Request("https://a.example/api/v1?x=1", { headers: { "X-Api-Key": "nope", ...BROWSER } });
    expect(w.inspect(wafRequestFromRequest(ok, "203.0.113.1")).action).toBe("allow");
    expect(w.inspect(wafRequestFromRequest(bad, "203.0.113.1")).ruleId).toBe("api-key");
  });

  it("rejects a bad rule at construction with its id, code and position", () => {
    const make = (): Waf => waf([{ id: "r1", expression: 'http.host eq "a" or', action: "block" }]);
    expect(make).toThrow(WafRuleSyntaxError);
    expect(make).toThrow(expect.objectContaining({ code: "WAF_RULE_SYNTAX", position: 19, message: expect.stringContaining("rule r1:") }));
  });
});

describe("rate limiting rules", () => {
  const rule: RateLimitRule = {
    id: "login-rl",
    expression: 'http.request.uri.path eq "/login"',
    characteristics: ["ip.src"],
    periodSeconds: 10,
    requestsPerPeriod: 5,
    mitigationTimeoutSeconds: 60,
    action: "block",
  };

  it("blocks the request after the limit, per key, and keeps blocking for the mitigation timeout", () => {
    const clock = new VirtualClock(1_000_000);
    const w = waf([], [rule], clock);
    const results = Array.from({ length: 6 }, () => w.inspect(get("https://a.example/login")).action);
    expect(results).toEqual(["allow", "allow", "allow", "allow", "allow", "block"]);
    // Another address and another path are counted apart.
    expect(w.inspect(get("https://a.example/login", "198.51.100.99")).action).toBe("allow");
    expect(w.inspect(get("https://a.example/home")).action).toBe("allow");
    // A new counting period starts, but the mitigation timeout (60 s) still holds.
    clock.advanceMs(30_000);
    expect(w.inspect(get("https://a.example/login"))).toMatchObject({ action: "block", phase: "http_ratelimit", ruleId: "login-rl" });
    clock.advanceMs(31_000);
    expect(w.inspect(get("https://a.example/login")).action).toBe("allow");
  });

  it("without a mitigation timeout blocks only the excess within the period", () => {
    const clock = new VirtualClock(0);
    const w = waf([], [{ ...rule, mitigationTimeoutSeconds: 0 }], clock);
    for (let i = 0; i < 5; i++) w.inspect(get("https://a.example/login"));
    expect(w.inspect(get("https://a.example/login")).action).toBe("block");
    clock.advanceMs(10_000);
    expect(w.inspect(get("https://a.example/login")).action).toBe("allow");
  });

  it("rejects a period Cloudflare does not offer", () => {
    expect(() => waf([], [{ ...rule, periodSeconds: 7 }])).toThrow(expect.objectContaining({ code: "WAF_BAD_RATE_LIMIT", message: expect.stringContaining("7s") }));
  });

  it("counts by a non-IP characteristic and rejects unknown ones", () => {
    const clock = new VirtualClock(0);
    const w = waf([], [{ ...rule, expression: 'http.host eq "a.example"', characteristics: ["http.request.uri.path"], requestsPerPeriod: 2, mitigationTimeoutSeconds: 0 }], clock);
    // Different clients, same path: one shared counter.
    const actions = ["1.1.1.1", "2.2.2.2", "3.3.3.3"].map((ip) => w.inspect(get("https://a.example/x", ip)).action);
    expect(actions).toEqual(["allow", "allow", "block"]);
    expect(() => waf([], [{ ...rule, characteristics: ["ip.country"] }])).toThrow(expect.objectContaining({ code: "WAF_BAD_RATE_LIMIT" }));
  });

  it("feeds the request rate into cf.bot_score", () => {
    const clock = new VirtualClock(0);
    const w = waf([], [], clock);
    const first = w.inspect(get("https://a.example/")).botScore;
    let last = first;
    for (let i = 0; i < 400; i++) last = w.inspect(get("https://a.example/")).botScore;
    expect(last).toBeLessThan(first);
    clock.advanceMs(60_000);
    expect(w.inspect(get("https://a.example/")).botScore).toBe(first);
  });
});
