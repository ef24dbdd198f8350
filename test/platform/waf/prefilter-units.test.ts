import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LiteralAutomaton,
  SecLangRuleset,
  TRANSFORMS,
  chainSensitivity,
  findCrs,
  parseSecLang,
  parseVariables,
  requiredLiterals,
  literalSetCost,
  translatePcre,
  valueFeatures,
  wafRequest,
  type WafRequest,
} from "../../../src/waf/index.js";
import { RequestCollections } from "../../../src/waf/collections.js";
import { Prefilter, type GateSpec } from "../../../src/waf/seclang/prefilter.js";
import { ATTACK_REQUESTS, BENIGN } from "./corpus/index.js";

// Unit tests of the prefilter's parts, fast enough for mutation testing; prefilter.test.ts
// proves the whole CRS gives the same verdicts with and without it.

describe("requiredLiterals", () => {
  it("finds what every match must contain, lower-cased, and gives up on open patterns", () => {
    expect(requiredLiterals("abc")).toEqual(["abc"]);
    expect([...(requiredLiterals("(?:SELECT|union)\\s+from") ?? [])].sort()).toEqual(["select", "union"]);
    expect([...(requiredLiterals("a?bc") ?? [])].sort()).toEqual(["abc", "bc"]);
    expect(requiredLiterals("[sS][eE][lL]")).toEqual(["sel"]);
    expect([...(requiredLiterals("\\bfoo\\b|bar") ?? [])].sort()).toEqual(["bar", "foo"]);
    expect(requiredLiterals("\\.\\./")).toEqual(["../"]);
    expect(requiredLiterals("x*")).toBeUndefined();
    expect(requiredLiterals("[a-z]+")).toBeUndefined();
    expect(requiredLiterals("a|.")).toBeUndefined();
    expect([...(requiredLiterals("(?:a|)b") ?? [])].sort()).toEqual(["ab", "b"]);
    expect(requiredLiterals("é")).toBeUndefined();
    expect(requiredLiterals("(unbalanced")).toBeUndefined();
  });

  it("prefers rare punctuation to letters every clean value holds (932105's shape)", () => {
    // Both sets are necessary; the letters open the gate on nearly every value, the separators seldom.
    expect([...(requiredLiterals("(?:;|&|\\|)\\s*(?:s|p)") ?? [])].sort()).toEqual(["&", ";", "|"]);
    expect([...(requiredLiterals("(?:=|url\\()\\s*?s\\s*?c\\s*?r") ?? [])].sort()).toEqual(["=", "url("]);
    expect(literalSetCost(["a", "b"])).toBeGreaterThan(literalSetCost([";", "&", "|"]));
    expect(literalSetCost(["ab"])).toBeLessThan(literalSetCost(["a"]));
  });

  it("is sound on every CRS pattern: a value the regex matches contains one of its literals", () => {
    const rulesDir = findCrs()!.rulesDir;
    const patterns: RegExp[] = [];
    const literals: (readonly string[])[] = [];
    for (const f of readdirSync(rulesDir).filter((n) => /^REQUEST-.*\.conf$/.test(n))) {
      for (const d of parseSecLang(readFileSync(join(rulesDir, f), "utf8"), f)) {
        const op = d.name === "SecRule" ? d.args[1] ?? "" : "";
        const m = /^(?:@rx )?(.*)$/s.exec(op.startsWith("@") && !op.startsWith("@rx ") ? "" : op);
        if (!m || m[1] === "" || m[1]!.includes("%{")) continue;
        try {
          const t = translatePcre(m[1]!);
          const lits = requiredLiterals(t.source);
          if (lits === undefined) continue;
          patterns.push(new RegExp(t.source, t.flags));
          literals.push(lits);
        } catch {
          // Untranslatable patterns are refused by the engine; nothing to check.
        }
      }
    }
    expect(patterns.length).toBeGreaterThan(150);
    const values = [...Object.values(ATTACK_REQUESTS).flat(), ...BENIGN].flatMap((r) => [decodeURIComponentSafe(r.url), ...Object.values(r.headers)]);
    let checked = 0;
    for (let k = 0; k < patterns.length; k++) {
      for (const v of values) {
        if (!patterns[k]!.test(v)) continue;
        checked++;
        const lower = v.toLowerCase();
        expect(literals[k]!.some((l) => lower.includes(l)), `${patterns[k]!.source.slice(0, 80)} on ${v.slice(0, 80)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

describe("LiteralAutomaton", () => {
  it("reports every literal that occurs, overlapping ones and suffixes included", () => {
    const a = new LiteralAutomaton([
      { text: "he", gate: 0 },
      { text: "she", gate: 1 },
      { text: "hers", gate: 2 },
      { text: "x", gate: 3 },
    ]);
    const hits = (s: string): number[] => {
      const out = new Set<number>();
      a.scan(s, (g) => out.add(g));
      return [...out].sort();
    };
    expect(hits("ushers")).toEqual([0, 1, 2]);
    expect(hits("é he")).toEqual([0]);
    expect(hits("")).toEqual([]);
    expect(hits("abc")).toEqual([]);
  });

  it("containsAny answers as a scan of the lower-cased text, the Kelvin sign and İ included", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab<'ki-]{1,3}$/), { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom("a", "B", "<", "'", "K", "\u212a", "\u0130", "-", "é", "x"), { maxLength: 12 }), (lits, chars) => {
        const text = chars.join("");
        const a = new LiteralAutomaton(lits.map((t, gate) => ({ text: t, gate })));
        let found = false;
        a.scan(text.toLowerCase(), () => (found = true));
        expect(a.containsAny(text), `${JSON.stringify(lits)} in ${JSON.stringify(text)}`).toBe(found);
      }),
      { seed: 21, numRuns: 1000 },
    );
    const k = new LiteralAutomaton([{ text: "key", gate: 0 }]);
    expect(k.containsAny("\u212aEY")).toBe(true);
    expect(k.containsAny("KE")).toBe(false);
  });

  it("agrees with String.includes on random text", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab<'-]{1,4}$/), { minLength: 1, maxLength: 8 }), fc.stringMatching(/^[ab<'\-é]{0,40}$/), (lits, text) => {
        const a = new LiteralAutomaton(lits.map((t, gate) => ({ text: t, gate })));
        const found = new Set<number>();
        a.scan(text, (g) => found.add(g));
        lits.forEach((l, g) => {
          expect(found.has(g), `${l} in ${text}`).toBe(text.includes(l));
        });
        // gatesIn: the same gates, each once, in two successive epochs (the second must not
        // be hidden by the stamps the first left).
        const stamp = new Int32Array(lits.length);
        for (const epoch of [1, 2]) {
          const unique = a.gatesIn(text, stamp, epoch);
          expect(unique.length).toBe(new Set(unique).size);
          expect([...unique].sort((x, y) => x - y)).toEqual([...found].sort((x, y) => x - y));
        }
      }),
      { seed: 20, numRuns: 300 },
    );
  });
});

describe("value features", () => {
  it("a chain changes a value by more than letter case only when the value has a feature the chain reacts to", () => {
    const names = Object.keys(TRANSFORMS);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ unit: fc.constantFrom("a", "B", " ", "  ", "%41", "+", "&lt;", "\\x41", "/./", "//", "/*", "--", "#", "\u0000", "é", "0x41", "'", ";", "\t", "é") , maxLength: 12 }), (name, v) => {
        const sensitivity = chainSensitivity([name]);
        if ((valueFeatures(v) & sensitivity) !== 0) return;
        expect(TRANSFORMS[name]!(v).toLowerCase(), `${name}(${JSON.stringify(v)})`).toBe(v.toLowerCase());
      }),
      { seed: 20, numRuns: 3000 },
    );
  });
});

describe("Prefilter.open", () => {
  const gate = (targets: string, literals: string[] | undefined, transformNames: string[] = [], multiMatch = false): GateSpec => ({
    targets: parseVariables(targets),
    literals,
    transformNames,
    transforms: transformNames.map((n) => TRANSFORMS[n]!),
    transformKey: transformNames.join(","),
    multiMatch,
  });
  const openFor = (gates: GateSpec[], request: WafRequest): number[] => {
    const p = new Prefilter(gates);
    const c = new RequestCollections(request);
    const open = new Uint8Array(p.gates);
    p.open((name) => c.get(name), new Map(), open);
    return [...open];
  };

  it("opens a gate when one of its literals is in a field it reads, in any letter case", () => {
    const gates = [gate("ARGS", ["select"]), gate("REQUEST_HEADERS:User-Agent", ["sqlmap"]), gate("ARGS_NAMES", ["select"]), gate("REQUEST_COOKIES", ["<script"])];
    expect(openFor(gates, wafRequest("https://a.example/?q=SeLeCt+1", { headers: { "user-agent": "Mozilla" } }))).toEqual([1, 0, 0, 0]);
    expect(openFor(gates, wafRequest("https://a.example/?select=1", { headers: { "User-Agent": "SQLMap/1.7", referer: "<script" } }))).toEqual([0, 1, 1, 0]);
    expect(openFor(gates, wafRequest("https://a.example/", { headers: { "x-ua": "sqlmap", cookie: "a=%3Cscript" } }))).toEqual([0, 0, 0, 0]);
  });

  it("reads the transformed value when the value has what the chain changes", () => {
    const gates = [gate("ARGS", ["<script"], ["urlDecodeUni"]), gate("ARGS", ["<script"]), gate("ARGS", ["unionselect"], ["removeWhitespace", "lowercase"]), gate("ARGS", ["cat"], ["cmdLine"])];
    expect(openFor(gates, wafRequest("https://a.example/?q=%253Cscript"))).toEqual([1, 0, 0, 0]);
    expect(openFor(gates, wafRequest("https://a.example/?q=UNION%20%20SELECT"))).toEqual([0, 0, 1, 0]);
    expect(openFor(gates, wafRequest("https://a.example/?q=c%27a%27t"))).toEqual([0, 0, 0, 1]);
  });

  it("multiMatch gates read every step of the chain, the raw value included", () => {
    const g = gate("ARGS", ["%3c"], ["urlDecodeUni"], true);
    expect(openFor([g], wafRequest("https://a.example/?q=%253c"))).toEqual([1]);
    // Without multiMatch only the decoded value ("<") is tested.
    expect(openFor([gate("ARGS", ["%3c"], ["urlDecodeUni"])], wafRequest("https://a.example/?q=%253c"))).toEqual([0]);
    expect(openFor([gate("ARGS", ["%25"], ["urlDecodeUni"])], wafRequest("https://a.example/?q=%253c"))).toEqual([0]);
    expect(openFor([gate("ARGS", ["%25"], ["urlDecodeUni"], true)], wafRequest("https://a.example/?q=%25253c"))).toEqual([1]);
  });

  it("gates without literals open when a field they read has any member", () => {
    const gates = [gate("ARGS|REQUEST_COOKIES", undefined), gate("REQUEST_HEADERS:Referer", undefined), gate("FILES", undefined), gate("REQUEST_HEADERS:Referer|ARGS", ["zz"])];
    expect(openFor(gates, wafRequest("https://a.example/", { headers: { cookie: "a=1" } }))).toEqual([1, 0, 0, 0]);
    expect(openFor(gates, wafRequest("https://a.example/", { headers: { Referer: "x" } }))).toEqual([0, 1, 0, 0]);
    // `?zz` is an argument named zz with an empty value: the literal is in no value.
    expect(openFor(gates, wafRequest("https://a.example/?zz", { headers: { Referer: "x" } }))).toEqual([1, 1, 0, 0]);
    expect(openFor(gates, wafRequest("https://a.example/?a=zz", { headers: { Referer: "x" } }))).toEqual([1, 1, 0, 1]);
  });
});

describe("SecLang verdicts with and without the prefilter on fixture rules", () => {
  const text = [
    'SecAction "id:1,phase:1,pass,nolog,setvar:tx.score=0,setvar:tx.limit=3"',
    'SecRule ARGS "@rx (?i)union\\s+select" "id:2,phase:2,pass,msg:\'sqli\',t:urlDecodeUni,setvar:tx.score=+5"',
    'SecRule ARGS|REQUEST_COOKIES "@pm <script javascript:" "id:3,phase:2,pass,msg:\'xss\',t:htmlEntityDecode,t:lowercase,setvar:tx.score=+5"',
    'SecRule REQUEST_HEADERS:User-Agent "@contains nikto" "id:4,phase:1,pass,msg:\'scanner\',setvar:tx.score=+2"',
    'SecRule ARGS "@rx c.?a.?t" "id:5,phase:2,pass,msg:\'cmd\',t:cmdLine,multiMatch,capture,setvar:tx.cmd=%{tx.0}"',
    'SecRule ARGS_NAMES "!@rx ^[a-z]+$" "id:6,phase:2,pass,msg:\'odd name\'"',
    'SecRule TX:limit "@lt 5" "id:7,phase:2,pass,nolog,setvar:tx.low=1"',
    'SecRule ARGS "@detectSQLi" "id:8,phase:2,pass,msg:\'libinjection\',setvar:tx.score=+5"',
    'SecRule ARGS "@rx ../" "id:9,phase:2,pass,msg:\'trav\',chain,t:normalizePath"',
    '  SecRule MATCHED_VAR "@contains etc" "setvar:tx.score=+5"',
    // Two loops: runs on RE2, whose caseless matching folds the Kelvin sign to k.
    'SecRule ARGS|REQUEST_COOKIES "@rx (?i)k+e+y" "id:11,phase:2,pass,msg:\'key\',capture,setvar:tx.key=%{tx.0},setvar:tx.score=+5"',
    'SecRule TX:SCORE "@ge 5" "id:10,phase:2,deny,msg:\'blocked %{tx.score}\'"',
  ].join("\n");
  const fast = new SecLangRuleset(parseSecLang(text, "fixture.conf"));
  const general = new SecLangRuleset(parseSecLang(text, "fixture.conf"), { prefilter: false });
  it("are identical on random requests", () => {
    const piece = fc.constantFrom("union", " ", "%20", "select", "UNION", "<script", "&lt;script", "javascript:", "c", "a", "t", "'", "../", "etc", "/", "x", "Q", "1", "%27", "or", "=", "K", "\u212a", "Ey", "é");
    const value = fc.array(piece, { maxLength: 8 }).map((a) => a.join(""));
    fc.assert(
      fc.property(value, value, value, value, (a, b, ua, cookie) => {
        const r = wafRequest(`https://a.example/?${encodeURIComponent(b || "n")}=${encodeURIComponent(a)}`, { headers: { "user-agent": ua, cookie: `c=${encodeURIComponent(cookie)}` } });
        const g = general.evaluate(r);
        expect(fast.evaluate(r)).toEqual(g);
        expect(fast.evaluate(r)).toEqual(g);
      }),
      { seed: 20, numRuns: 500 },
    );
  });
});
