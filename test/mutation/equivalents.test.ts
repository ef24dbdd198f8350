import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/kata/catalog.js";
import { describesMutant, type EquivalentMutant, equivalentsPath, loadEquivalents, problemsOf } from "./equivalents.js";
import { declarationLines, mutateTargets } from "./targets.js";

// Every argued-equivalent mutant must still name real code: the file the level mutates, a
// location inside it, and the very text Stryker mutated there. When the code changes, the
// entry fails here instead of silently excusing a different mutant.
const catalog = loadCatalog();

describe("equivalent mutants (test/mutants/<kata>/equivalent.json)", () => {
  for (const kata of catalog) {
    const mutated = (level: number): string[] => {
      const info = kata.levels.find((l) => l.level === level);
      return info ? mutateTargets(info).map((t) => t.file) : [];
    };
    it(`${kata.short}: parses, and every entry names the code it excuses`, () => {
      const entries = loadEquivalents(kata.id);
      for (const entry of entries) {
        expect(problemsOf(entry, kata, mutated), `${equivalentsPath(kata.id)}: ${entry.file} ${entry.location}`).toEqual([]);
      }
    });
  }

  it("every kata.json mutate entry resolves to a file and, with #name, to a declaration", () => {
    for (const level of catalog.flatMap((k) => k.levels)) expect(() => mutateTargets(level), level.ref).not.toThrow();
  });
});

describe("the equivalent-mutant checker", () => {
  // A scratch repository with one known file, so the checker's own test never depends on
  // the current text of a real solution.
  const root = mkdtempSync(join(tmpdir(), "edge-kata-equivalents-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = "solutions/q0-warmup/level-1-fixed-window.ts";
  mkdirSync(join(root, "solutions", "q0-warmup"), { recursive: true });
  writeFileSync(join(root, file), "export class C {\n  ok(n: number): boolean {\n    return n < this.limit;\n  }\n}\n");
  const kata = catalog.find((k) => k.id === "q0-warmup")!;
  const entry: EquivalentMutant = {
    level: 1,
    file,
    mutator: "EqualityOperator",
    location: "3:12-3:26",
    original: "n < this.limit",
    replacement: "n <= this.limit",
    why: "a fixture for the checker's own test, not a real claim",
  };
  const mutated = (): string[] => [file];
  const problems = (e: EquivalentMutant): string => problemsOf(e, kata, mutated, root).join("\n");

  it("accepts an entry whose location reads its original text", () => {
    expect(problemsOf(entry, kata, mutated, root)).toEqual([]);
    expect(problemsOf({ ...entry, location: "3:12", original: "n <" }, kata, mutated, root)).toEqual([]);
  });

  it("goes stale loudly when the code at the location changed", () => {
    expect(problems({ ...entry, original: "n > this.limit" })).toMatch(/the code changed/);
    expect(problems({ ...entry, location: "3:13-3:27" })).toMatch(/the code changed/);
    expect(problems({ ...entry, location: "3:12", original: "m <" })).toMatch(/the code changed/);
    expect(problems({ ...entry, location: "99:1" })).toMatch(/outside/);
    expect(problems({ ...entry, location: "3:99" })).toMatch(/outside/);
    expect(problems({ ...entry, location: "3:12-2:1" })).toMatch(/outside/);
    expect(problems({ ...entry, location: "line 3" })).toMatch(/not line:column/);
  });

  it("rejects unknown levels, files the level does not mutate, unknown mutators and unargued entries", () => {
    expect(problems({ ...entry, level: 9 })).toMatch(/no level 9/);
    expect(problems({ ...entry, file: "src/sim/rng.ts" })).toMatch(/not mutated for level 1/);
    expect(problems({ ...entry, mutator: "Equality" })).toMatch(/unknown mutator/);
    expect(problems({ ...entry, why: "same" })).toMatch(/argue/);
    expect(problems({ ...entry, replacement: entry.original })).toMatch(/no mutant/);
  });

  it("matches a reported mutant by file, mutator, location and replacement", () => {
    const mutant = { mutatorName: "EqualityOperator", replacement: "n  <=  this.limit", location: { start: { line: 3, column: 12 }, end: { line: 3, column: 26 } } };
    expect(describesMutant(entry, file, mutant)).toBe(true);
    expect(describesMutant(entry, file, { ...mutant, replacement: "false" })).toBe(false);
    expect(describesMutant(entry, "other.ts", mutant)).toBe(false);
    expect(describesMutant({ ...entry, mutator: "ConditionalExpression" }, file, mutant)).toBe(false);
    expect(describesMutant({ ...entry, location: "3:12" }, file, mutant)).toBe(true);
    expect(describesMutant({ ...entry, location: "3:12-3:25" }, file, mutant)).toBe(false);
  });

  it("reads an equivalent.json and refuses a malformed one", () => {
    mkdirSync(join(root, "test", "mutants", "q0-warmup"), { recursive: true });
    writeFileSync(equivalentsPath("q0-warmup", root), JSON.stringify([entry]));
    expect(loadEquivalents("q0-warmup", root)).toEqual([entry]);
    writeFileSync(equivalentsPath("q0-warmup", root), JSON.stringify([{ ...entry, line: 3 }]));
    expect(() => loadEquivalents("q0-warmup", root)).toThrow(/unknown field/);
    writeFileSync(equivalentsPath("q0-warmup", root), JSON.stringify([{ ...entry, level: "1" }]));
    expect(() => loadEquivalents("q0-warmup", root)).toThrow(/"level" must be an integer/);
    writeFileSync(equivalentsPath("q0-warmup", root), JSON.stringify({ entry }));
    expect(() => loadEquivalents("q0-warmup", root)).toThrow(/array/);
  });

  it("finds a declaration's lines by name", () => {
    const text = "import x from 'y';\n\nexport function a(): void {\n  return;\n}\nconst b = 1,\n  c = 2;\nclass D {}\n";
    expect(declarationLines(text, "t.ts", "a")).toEqual({ start: 3, end: 5 });
    expect(declarationLines(text, "t.ts", "c")).toEqual({ start: 6, end: 7 });
    expect(declarationLines(text, "t.ts", "D")).toEqual({ start: 8, end: 8 });
    expect(declarationLines(text, "t.ts", "missing")).toBeUndefined();
  });
});
