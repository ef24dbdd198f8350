import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hintsFor, importSuite, loadCatalog, loadImplementation, mutantsOf, REPO_ROOT } from "../../../src/kata/index.js";
import { mutantDescription } from "../../../src/kata/catalog.js";

// Integrity is checked by a test, not by hand: every level has a stub that is todo, a
// solution that loads, a suite, mutants, hints; every kata has a README and a mutant check.
const catalog = loadCatalog();

describe("kata catalog integrity", () => {
  it("finds the katas", () => {
    expect(catalog.map((k) => k.id)).toContain("q0-warmup");
  });

  for (const kata of catalog) {
    describe(kata.id, () => {
      it("has a README, a mutant check and levels numbered 1..n", () => {
        expect(existsSync(kata.readmePath)).toBe(true);
        expect(existsSync(join(REPO_ROOT, "test", "mutants", `${kata.id}.test.ts`))).toBe(true);
        expect(kata.levels.map((l) => l.level)).toEqual(kata.levels.map((_, i) => i + 1));
      });

      for (const level of kata.levels) {
        it(`${level.ref}: stub is todo, solution loads, suite, test file, hints and mutants exist`, async () => {
          const stub = readFileSync(level.stubPath, "utf8");
          expect(stub, "the stub opens with its story header").toMatch(new RegExp(`^// Q${kata.short.slice(1)} · level ${level.level} · `));
          expect(stub).toContain("new NotImplemented(");
          expect(existsSync(level.solutionPath)).toBe(true);
          expect(existsSync(level.suitePath)).toBe(true);
          expect(existsSync(level.suitePath.replace(/\.suite\.ts$/, ".test.ts"))).toBe(true);
          const suite = await importSuite(level.suitePath);
          expect(suite.kata).toBe(kata.id);
          expect(suite.level).toBe(level.level);
          expect((await loadImplementation(suite, level.stubPath)).kind).toBe("todo");
          expect((await loadImplementation(suite, level.solutionPath)).kind).toBe("ready");
          expect(hintsFor(kata.readmePath, level.level).length, "at least two progressive hints").toBeGreaterThanOrEqual(2);
          const mutants = mutantsOf(level);
          expect(mutants.length, `${level.ref} needs at least three mutants`).toBeGreaterThanOrEqual(3);
          for (const m of mutants) expect(mutantDescription(m)).not.toMatch(/^\(no description/);
        });
      }
    });
  }
});
