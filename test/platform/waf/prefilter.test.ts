import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CRS_INSTALL_HINT,
  CrsRuleset,
  LiteralAutomaton,
  TRANSFORMS,
  chainSensitivity,
  findCrs,
  parseSecLang,
  requiredLiterals,
  translatePcre,
  valueFeatures,
  wafRequest,
  type WafRequest,
} from "../../../src/waf/index.js";
import { ATTACK_REQUESTS, BENIGN } from "./corpus/index.js";

// The prefilter (literal gates, replayed constant runs, the detectSqli token check) is a second
// path beside the general one: these tests prove both give the same verdicts.

let fast: CrsRuleset;
let general: CrsRuleset;
beforeAll(() => {
  if (findCrs() === undefined) throw new Error(`the OWASP Core Rule Set is not installed: ${CRS_INSTALL_HINT}`);
  fast = new CrsRuleset();
  general = new CrsRuleset({ prefilter: false });
});

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", accept: "text/html,*/*;q=0.8" };

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

  it("agrees with String.includes on random text", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab<'-]{1,4}$/), { minLength: 1, maxLength: 8 }), fc.stringMatching(/^[ab<'\-é]{0,40}$/), (lits, text) => {
        const a = new LiteralAutomaton(lits.map((t, gate) => ({ text: t, gate })));
        const found = new Set<number>();
        a.scan(text, (g) => found.add(g));
        lits.forEach((l, g) => expect(found.has(g), `${l} in ${text}`).toBe(text.includes(l)));
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

describe("CRS verdicts with and without the prefilter", () => {
  it("are identical on the whole project corpus (detection and false positives unchanged)", () => {
    const all = [...Object.values(ATTACK_REQUESTS).flat(), ...BENIGN];
    for (const r of all) {
      const g = general.evaluate(r);
      expect(fast.evaluate(r), r.url).toEqual(g);
      // Again: the second run replays the recorded constant runs.
      expect(fast.evaluate(r), r.url).toEqual(g);
    }
  });

  it("are identical on random requests built from attack fragments in every place", () => {
    const pieces = ["'", '"', "<", ">", "a", " ", "/*", "*/", "%27", "%", "\\", "(", ")", "-", "--", "=", "$", "{", ";", "|", "&", "#", "\u0000", "é", "1", " or ", " and ", "select ", "union", "<script", "onerror=", "../", "/etc/passwd", "cat ", "${jndi:", "<?php", "ﬁ", "İ", "K", "Mozilla/5.0", "__proto__", "constructor", "0x41", "&#x3c;", "+"];
    const value = fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((a) => a.join(""));
    const request = fc.tuple(value, value, value, fc.constantFrom("query", "body", "json", "cookie", "header", "path", "name")).map(([a, b, c, where]): WafRequest => {
      const enc = encodeURIComponent;
      switch (where) {
        case "query":
          return wafRequest(`https://a.example/s?q=${enc(a)}&p=${enc(b)}`, { headers: { ...BROWSER, referer: c } });
        case "body":
          return wafRequest("https://a.example/f", { method: "POST", headers: { ...BROWSER, "content-type": "application/x-www-form-urlencoded" }, body: `q=${enc(a)}&${enc(b)}=${enc(c)}` });
        case "json":
          return wafRequest("https://a.example/api", { method: "POST", headers: { ...BROWSER, "content-type": "application/json" }, body: JSON.stringify({ [b]: a, n: [c] }) });
        case "cookie":
          return wafRequest("https://a.example/", { headers: { ...BROWSER, cookie: `${enc(b)}=${enc(a)}; t=${c}` } });
        case "header":
          return wafRequest("https://a.example/", { headers: { "user-agent": a, "x-custom": b, accept: c } });
        case "path":
          return wafRequest(`https://a.example/${enc(a)}/${b.replace(/[?#]/g, "")}`, { headers: BROWSER });
        default:
          return wafRequest(`https://a.example/?${enc(a)}=${enc(b)}`, { headers: BROWSER });
      }
    });
    fc.assert(
      fc.property(request, (r) => {
        expect(fast.evaluate(r)).toEqual(general.evaluate(r));
      }),
      { seed: 20, numRuns: 400 },
    );
  });
});
