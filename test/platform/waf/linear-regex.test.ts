import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CRS_INSTALL_HINT, findCrs, parseSecLang, translatePcre } from "../../../src/waf/index.js";
import { compilePattern, patternRisk, toRe2Syntax } from "../../../src/waf/seclang/linear-regex.js";

describe("patternRisk", () => {
  it("counts repeating loops and finds nested ones", () => {
    expect(patternRisk("abc")).toEqual({ loops: 0, nested: false, needsBacktracking: false });
    expect(patternRisk("a\\s*b")).toMatchObject({ loops: 1, nested: false });
    expect(patternRisk("[a-z]+x\\d{2,}")).toMatchObject({ loops: 2, nested: false });
    expect(patternRisk("a{2}b{0,1}c?")).toMatchObject({ loops: 0 });
    expect(patternRisk("(a+)+")).toMatchObject({ loops: 2, nested: true });
    expect(patternRisk("(?:x|\\s*\\()*")).toMatchObject({ nested: true });
    expect(patternRisk("[*+](?:a)")).toMatchObject({ loops: 0 });
    expect(patternRisk("(?=(?<_a1>x))\\k<_a1>").needsBacktracking).toBe(true);
  });
});

describe("compilePattern", () => {
  it("runs patterns with more than one loop on RE2, others on V8, with the same answers", () => {
    expect(compilePattern("a\\s*b", "i").engine).toBe("v8");
    expect(compilePattern("(a+)+$", "").engine).toBe("re2");
    expect(compilePattern("(?=(?<_a1>a+))\\k<_a1>b+", "").engine).toBe("v8");
    const m = compilePattern("(?<_c1>[a-z]+)\\s+(?<_c2>\\d+)x*y*", "i");
    expect(m.engine).toBe("re2");
    const r = m.exec("-- ABC  42xy --");
    expect(r?.match).toBe("ABC  42xy");
    expect(r?.group(1)).toBe("ABC");
    expect(r?.group(2)).toBe("42");
    expect(r?.group(3)).toBe("");
    expect(m.exec("nothing here")).toBeUndefined();
  });

  it("RE2 spelling keeps JavaScript's \\s, \\S and `.`: same answers as V8 on random text", () => {
    const patterns = ["a\\s+b.*c", "[\\s\\S]*?x\\S+y", "[^\\s]+\\s*=\\s*\\S", ".+\\u00e9.*", "(?<_c1>\\w+)\\s*\\(.*\\)", "[\\S]+$"];
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", "x", "y", "=", "(", ")", "é", " ", "\t", "\u000b", "\u00a0", "\u2028", "\n", "\r", "\ufeff", "\u3000"), maxLength: 16 });
    for (const p of patterns) {
      const re2 = toRe2Syntax(p, false);
      expect(re2, p).toBeDefined();
      const v8 = new RegExp(p);
      const forced = compilePattern(`(?:${p})+x*y*`, "");
      const reference = new RegExp(`(?:${p})+x*y*`);
      expect(forced.engine).toBe("re2");
      fc.assert(
        fc.property(text, (s) => {
          expect(forced.test(s), `${p} on ${JSON.stringify(s)}`).toBe(reference.test(s));
          expect(v8.test(s)).toBe(compilePattern(p, "").test(s));
        }),
        { seed: 20, numRuns: 300 },
      );
    }
  });

  it("every installed CRS pattern is bounded: RE2 (linear), or at most one loop and none nested (quadratic on the 2 KiB window), or one of the three named backtracking patterns", () => {
    const crs = findCrs();
    if (crs === undefined) throw new Error(`the OWASP Core Rule Set is not installed: ${CRS_INSTALL_HINT}`);
    const onV8WithLoops: string[] = [];
    let re2 = 0;
    for (const f of readdirSync(crs.rulesDir).filter((n) => /^REQUEST-.*\.conf$/.test(n))) {
      for (const d of parseSecLang(readFileSync(join(crs.rulesDir, f), "utf8"), f)) {
        const op = d.name === "SecRule" ? (d.args[1] ?? "").replace(/^!/, "") : "@";
        if ((op.startsWith("@") && !op.startsWith("@rx ")) || op.includes("%{")) continue;
        const t = translatePcre(op.replace(/^@rx /, ""));
        const m = compilePattern(t.source, t.flags);
        const risk = patternRisk(t.source);
        if (m.engine === "re2") re2++;
        else if (risk.nested || risk.loops > 1) onV8WithLoops.push(/id:(\d+)/.exec(d.args[2] ?? "")?.[1] ?? "");
      }
    }
    expect(re2).toBeGreaterThan(100);
    expect(onV8WithLoops.sort()).toEqual(["920600", "942130", "942260"]);
  });

  it("exponential patterns finish fast on RE2 where V8 would backtrack for minutes", () => {
    const m = compilePattern("^(?:\\s*\\(\\s*|x)*$", "");
    expect(m.engine).toBe("re2");
    // 2^n backtracking on V8 for n = 2048; RE2 reads each character once per state.
    const before = process.cpuUsage();
    expect(m.test(" (".repeat(1024) + "!")).toBe(false);
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});

describe("no process-wide V8 flags", () => {
  it("no source file sets V8 flags (they would change every isolate in the process)", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
    const offenders = files(join(import.meta.dirname, "../../../src")).filter((f) => readFileSync(f, "utf8").includes("setFlagsFromString"));
    expect(offenders).toEqual([]);
  });
});
