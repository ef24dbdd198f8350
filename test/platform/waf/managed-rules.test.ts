import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ManagedRuleset, MANAGED_RULES, normalizeForInspection, wafRequest, type ParanoiaLevel } from "../../../src/waf/index.js";
import { ATTACK_REQUESTS, BENIGN } from "./corpus/index.js";

// Targets for the reference ruleset at PL1 on our own corpora (see the report printed below).
const DETECTION_RATE_MIN_PL1 = 0.9;
const FALSE_POSITIVE_RATE_MAX_PL1 = 0.01;
const LEVELS: readonly ParanoiaLevel[] = [1, 2, 3, 4];

describe("managed rules on the corpora", () => {
  it("has at least 40 payloads per attack class and 200 benign requests", () => {
    for (const list of Object.values(ATTACK_REQUESTS)) expect(list.length).toBeGreaterThanOrEqual(40);
    expect(BENIGN.length).toBeGreaterThanOrEqual(200);
  });

  it(`detects >= ${DETECTION_RATE_MIN_PL1 * 100}% of each class with <= ${FALSE_POSITIVE_RATE_MAX_PL1 * 100}% false positives at PL1`, () => {
    const rows: string[] = [];
    for (const pl of LEVELS) {
      const waf = new ManagedRuleset({ paranoiaLevel: pl });
      const rates = Object.entries(ATTACK_REQUESTS).map(([cls, reqs]) => {
        const rate = reqs.filter((r) => waf.evaluate(r).blocked).length / reqs.length;
        if (pl === 1) expect(rate, `${cls} detection at PL1`).toBeGreaterThanOrEqual(DETECTION_RATE_MIN_PL1);
        return `${cls} ${(rate * 100).toFixed(1)}%`;
      });
      const fp = BENIGN.filter((r) => waf.evaluate(r).blocked).length / BENIGN.length;
      if (pl === 1) expect(fp, "false-positive rate at PL1").toBeLessThanOrEqual(FALSE_POSITIVE_RATE_MAX_PL1);
      rows.push(`PL${pl}: ${rates.join(", ")}, false positives ${(fp * 100).toFixed(1)}%`);
    }
    console.log(`managed rules detection / false positives\n${rows.join("\n")}`);
  });

  it("lets O'Reilly through at PL1 and flags it at PL4 (the price of paranoia)", () => {
    const req = wafRequest("https://shop.example.com/search?q=O%27Reilly");
    expect(new ManagedRuleset({ paranoiaLevel: 1 }).evaluate(req).blocked).toBe(false);
    expect(new ManagedRuleset({ paranoiaLevel: 4 }).evaluate(req).blocked).toBe(true);
  });
});

describe("paranoia levels", () => {
  it("never block fewer corpus requests at a higher level, and never score lower", () => {
    const sets = LEVELS.map((pl) => new ManagedRuleset({ paranoiaLevel: pl }));
    for (const req of [...BENIGN, ...Object.values(ATTACK_REQUESTS).flat()]) {
      const scores = sets.map((s) => s.evaluate(req).anomalyScore);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1]!);
    }
  });

  it("are monotone on arbitrary query strings", () => {
    const sets = LEVELS.map((pl) => new ManagedRuleset({ paranoiaLevel: pl }));
    const chars = fc.constantFrom(..."'\";|&<>()-/.\\%=$`#* abcORSELCTunio1".split(""));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }).map((c) => c.join("")), (text) => {
        const req = wafRequest(`https://a.example/?q=${encodeURIComponent(text)}`);
        const blocked = sets.map((s) => s.evaluate(req).blocked);
        for (let i = 1; i < blocked.length; i++) if (blocked[i - 1]) expect(blocked[i]).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("include strictly more rules at each level", () => {
    const counts = LEVELS.map((pl) => new ManagedRuleset({ paranoiaLevel: pl }).rules.length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(4);
    expect(counts[3]).toBe(MANAGED_RULES.length);
  });
});

describe("anomaly scoring", () => {
  it("adds the scores of matched rules and blocks only at the threshold", () => {
    // ORDER BY n alone is a warning (3): below the CRS threshold of 5.
    const orderBy = wafRequest("https://a.example/?sort=1%20ORDER%20BY%2010");
    const low = new ManagedRuleset().evaluate(orderBy);
    expect(low.anomalyScore).toBe(3);
    expect(low.blocked).toBe(false);
    expect(new ManagedRuleset({ anomalyThreshold: 3 }).evaluate(orderBy).blocked).toBe(true);
    const union = new ManagedRuleset().evaluate(wafRequest("https://a.example/?id=1%27%20UNION%20SELECT%20%40%40version--"));
    expect(union.anomalyScore).toBe(union.matches.reduce((sum, m) => sum + m.score, 0));
    expect(union.matches.length).toBeGreaterThan(1);
  });

  it("lets a disabled rule id stop contributing", () => {
    const req = wafRequest("https://a.example/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    const all = new ManagedRuleset().evaluate(req);
    const fewer = new ManagedRuleset({ disabledRuleIds: ["941100"] }).evaluate(req);
    expect(fewer.anomalyScore).toBe(all.anomalyScore - 5);
  });

  it("rejects paranoia level 5 with an EdgeError", () => {
    expect(() => new ManagedRuleset({ paranoiaLevel: 5 as ParanoiaLevel })).toThrow(expect.objectContaining({ code: "WAF_BAD_PARANOIA_LEVEL" }));
  });
});

describe("input normalisation", () => {
  it("decodes double URL encoding, HTML entities, case and SQL comments before matching", () => {
    expect(normalizeForInspection("%253Cscript%253E")).toBe("<script>");
    expect(normalizeForInspection("&#x3C;ScRiPt&gt;")).toBe("<script>");
    expect(normalizeForInspection("UNION/**/SELECT")).toBe("union select");
    expect(normalizeForInspection("a%00b")).toBe("ab");
  });

  it("stops decoding after a bounded number of rounds", () => {
    // Four layers of encoding: three rounds leave one layer in place.
    expect(normalizeForInspection("%2525252e")).toBe("%2e");
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        expect(typeof normalizeForInspection(s)).toBe("string");
        new ManagedRuleset({ paranoiaLevel: 4 }).evaluate(wafRequest(`https://a.example/${encodeURIComponent(s)}?q=${s}`));
      }),
      { numRuns: 200 },
    );
  });
});
