import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  FieldContext,
  WafRuleSyntaxError,
  checkRegexSafe,
  compileExpression,
  parseCidr,
  parseIp,
  cidrContains,
  wafRequest,
  type WafRequest,
} from "../../../src/waf/index.js";
import { EdgeError } from "../../../src/core/errors.js";

const REQ = wafRequest("https://Shop.example.com/Search/Items?q=O%27Reilly&page=2", {
  method: "POST",
  clientIp: "203.0.113.7",
  headers: { "User-Agent": "curl/8.5.0", Cookie: "session=abc; theme=dark", "X-Api-Key": "k-123" },
});

function evalOn(expression: string, request: WafRequest = REQ, botScore = 30): boolean {
  return compileExpression(expression)(new FieldContext(request, { botScore, threatScore: 12 }));
}

describe("rules language: fields and operators", () => {
  it.each([
    ['http.request.uri.path eq "/Search/Items"', true],
    ['http.request.uri.path == "/search/items"', false],
    ['lower(http.request.uri.path) == "/search/items"', true],
    ['http.request.uri.query eq "q=O%27Reilly&page=2"', true],
    ['url_decode(http.request.uri.query) contains "O\'Reilly"', true],
    ['http.request.full_uri contains "https://Shop.example.com/"', true],
    ['http.request.method in {"POST" "PUT"}', true],
    ['http.request.method ne "POST"', false],
    ['http.user_agent matches "^curl/[0-9.]+$"', true],
    ['http.user_agent ~ r"^curl/\\d+"', true],
    ['http.host eq "Shop.example.com"', true],
    ['http.cookie contains "theme=dark"', true],
    ['http.request.headers["x-api-key"] eq "k-123"', true],
    ['http.request.headers["X-API-KEY"] eq "k-123"', true],
    ['http.request.headers["missing"] eq ""', true],
    ["ip.src eq 203.0.113.7", true],
    ["ip.src in {203.0.113.0/24 10.0.0.0/8}", true],
    ["ip.src in {198.51.100.0/24}", false],
    ["ip.src ne 203.0.113.8", true],
    ["cf.bot_score lt 50", true],
    ["cf.bot_score ge 30 and cf.bot_score le 30", true],
    ["cf.threat_score gt 10", true],
    ["cf.bot_score in {1 2 30}", true],
    ['len(http.request.uri.path) == 13', true],
    ['starts_with(http.request.uri.path, "/Search")', true],
    ['ends_with(http.host, ".net")', false],
  ])("%s → %s", (expression, expected) => {
    expect(evalOn(expression)).toBe(expected);
  });

  it("matches IPv6 addresses against IPv6 CIDRs and never against IPv4 ones", () => {
    const v6 = wafRequest("https://a.example/", { clientIp: "2001:db8::42" });
    expect(evalOn("ip.src in {2001:db8::/32}", v6)).toBe(true);
    expect(evalOn("ip.src in {2001:db9::/32 0.0.0.0/0}", v6)).toBe(false);
    expect(evalOn("ip.src eq 2001:db8:0:0:0:0:0:42", v6)).toBe(true);
  });
});

describe("rules language: boolean structure", () => {
  it("binds not tighter than and, and tighter than or (Cloudflare precedence)", () => {
    // If `or` bound tighter, the first would be false: true and (false or ...) is unchanged,
    // but `not` over the whole `and` would flip it.
    expect(evalOn('not http.request.method eq "GET" and http.host eq "Shop.example.com"')).toBe(true);
    expect(evalOn('http.request.method eq "POST" or http.request.method eq "GET" and http.host eq "nope"')).toBe(true);
    expect(evalOn('(http.request.method eq "POST" or http.request.method eq "GET") and http.host eq "nope"')).toBe(false);
    expect(evalOn('!(http.request.method == "POST") || http.host == "nope"')).toBe(false);
    expect(evalOn('http.request.method eq "POST" && http.host eq "Shop.example.com"')).toBe(true);
    expect(evalOn('http.request.method eq "POST" xor http.host eq "Shop.example.com"')).toBe(false);
  });

  const ATOMS = [
    'http.request.method eq "POST"',
    'http.host contains "shop"',
    "cf.bot_score lt 30",
    "ip.src in {203.0.113.0/24}",
    'http.request.uri.path matches "^/[a-z]+$"',
    'http.user_agent contains "curl"',
  ];
  type Tree = { atom: number } | { op: "and" | "or"; l: Tree; r: Tree } | { not: Tree };
  const tree = fc.letrec<{ t: Tree }>((tie) => ({
    t: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.record({ atom: fc.nat(ATOMS.length - 1) }),
      fc.record({ op: fc.constantFrom("and" as const, "or" as const), l: tie("t"), r: tie("t") }),
      fc.record({ not: tie("t") }),
    ),
  })).t;
  const show = (t: Tree): string =>
    "atom" in t ? ATOMS[t.atom]! : "not" in t ? `not (${show(t.not)})` : `(${show(t.l)}) ${t.op} (${show(t.r)})`;
  const model = (t: Tree, atoms: boolean[]): boolean =>
    "atom" in t ? atoms[t.atom]! : "not" in t ? !model(t.not, atoms) : t.op === "and" ? model(t.l, atoms) && model(t.r, atoms) : model(t.l, atoms) || model(t.r, atoms);

  it("evaluates any and/or/not tree like a plain boolean model", () => {
    const request = fc.record({
      method: fc.constantFrom("GET", "POST"),
      host: fc.constantFrom("shop.example.com", "blog.example.com"),
      path: fc.constantFrom("/abc", "/A1", "/x/y"),
      ip: fc.constantFrom("203.0.113.9", "198.51.100.1"),
      ua: fc.constantFrom("curl/8", "Mozilla/5.0"),
      bot: fc.integer({ min: 1, max: 99 }),
    });
    fc.assert(
      fc.property(tree, request, (t, r) => {
        const req = wafRequest(`https://${r.host}${r.path}`, { method: r.method, clientIp: r.ip, headers: { "user-agent": r.ua } });
        const atoms = ATOMS.map((a) => evalOn(a, req, r.bot));
        expect(evalOn(show(t), req, r.bot)).toBe(model(t, atoms));
      }),
      { numRuns: 150 },
    );
  });
});

describe("rules language: errors", () => {
  it.each([
    ['http.request.path eq "/"', 0, "unknown field"],
    ['http.host eq', 12, "expected a string literal"],
    ['http.host eq "a" and', 20, "expected a field"],
    ['http.host eq "a', 13, "unterminated string"],
    ['cf.bot_score contains "1"', 13, "does not apply to number"],
    ['cf.bot_score eq "1"', 16, "expected a number literal"],
    ["ip.src in {300.1.1.1}", 11, "not an IP"],
    ['(http.host eq "a"', 17, 'expected ")"'],
    ['http.host eq "a" $', 17, "unexpected character"],
    ['http.user_agent matches "(a+)+$"', 24, "nested quantifier"],
    ['http.user_agent matches "(a"', 24, "invalid regex"],
    ['http.host in {}', 13, "empty set"],
    ['lower(cf.bot_score) eq "1"', 6, "argument 1 must be string"],
    ["ip.src eq 10.0.0.0/8", 10, "needs \"in"],
  ])("rejects %s at position %i", (expression, position, fragment) => {
    let caught: unknown;
    try {
      compileExpression(expression);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WafRuleSyntaxError);
    const e = caught as WafRuleSyntaxError;
    expect(e.code).toBe("WAF_RULE_SYNTAX");
    expect(e.status).toBe(400);
    expect(e.position).toBe(position);
    expect(e.message).toContain(fragment);
    expect(e.message).toContain(`at position ${position}`);
  });

  it("rejects an expression over 4096 characters", () => {
    const long = Array.from({ length: 300 }, () => 'http.host eq "a"').join(" or ");
    expect(() => compileExpression(long)).toThrow(/limit is 4096/);
  });

  it("never fails on arbitrary input with anything but a WAF_RULE_SYNTAX error", () => {
    const alphabet = fc.constantFrom(..."http.host eq ne in { } ( ) \" r ~ ! && || 1 2 / . : ip.src lower ( , [ ] a".split(" "), " ");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(alphabet, { maxLength: 20 }).map((a) => a.join(""))), (source) => {
        try {
          compileExpression(source);
        } catch (error) {
          expect(error).toBeInstanceOf(EdgeError);
          expect((error as EdgeError).code).toBe("WAF_RULE_SYNTAX");
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("regex guard", () => {
  it.each(["(a+)+", "(a*)*b", "((ab)+)+", "(x|y+){2,}", "(a)\\1", "(?=a)b", "(?<!a)b"])("rejects %s", (pattern) => {
    expect(() => checkRegexSafe(pattern, 0)).toThrow(WafRuleSyntaxError);
  });

  it.each(["^/api/v[0-9]+/", "(ab)+c", "[a+]+", "\\(a+\\)+", "(foo|bar)baz", "a{2,5}"])("accepts %s", (pattern) => {
    expect(() => checkRegexSafe(pattern, 0)).not.toThrow();
  });
});

describe("IP and CIDR matching", () => {
  it("agrees with integer arithmetic for IPv4", () => {
    const toInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
    fc.assert(
      fc.property(octets, octets, fc.integer({ min: 0, max: 32 }), (net, ip, bits) => {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        const expected = ((toInt(net) & mask) >>> 0) === ((toInt(ip) & mask) >>> 0);
        expect(cidrContains(parseCidr(`${net}/${bits}`), parseIp(ip)!)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects malformed addresses and prefixes with IP_ADDRESS_INVALID", () => {
    for (const bad of ["1.2.3", "1.2.3.4/33", "::1/129", "2001:db8:::1", "a.b.c.d"]) {
      expect(() => parseCidr(bad)).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
    }
    expect(parseIp("::ffff:1.2.3.4")).toEqual(parseIp("1.2.3.4"));
  });
});
