import { describe, expect, it } from "vitest";
import {
  importSuite,
  isNotImplemented,
  loadCatalog,
  loadImplementation,
  mutantDescription,
  mutantsOf,
  runProperties,
} from "../../src/kata/index.js";
import { relativeToRoot } from "../../src/kata/catalog.js";
import { defaultSeed } from "../../src/kata/property.js";

/**
 * Runs a kata's suites against every mutant in test/mutants/<kata>/ and fails if one
 * survives. Every mutant runs on its level's default seed — the seed `npm run kata -- check`
 * grades a learner on — so a mutant rejected here is rejected for a learner who writes it.
 */
export function checkMutants(kataId: string): void {
  const kata = loadCatalog().find((k) => k.id === kataId);
  if (!kata) throw new Error(`unknown kata ${kataId}`);
  describe(`${kata.short} mutants are rejected`, () => {
    for (const level of kata.levels) {
      for (const path of mutantsOf(level)) {
        const rel = relativeToRoot(path);
        it(`${level.ref} rejects ${rel.split("/").pop()} — ${mutantDescription(path)}`, async () => {
          const suite = await importSuite(level.suitePath);
          const loaded = await loadImplementation(suite, path);
          expect(loaded.kind, `${rel} must load and be a real (wrong) implementation`).toBe("ready");
          if (loaded.kind !== "ready") return;
          const ctx = { seed: defaultSeed(level.ref), path: undefined, mode: "mutant" as const, runsScale: 1, target: rel };
          const outcomes = await runProperties(suite, loaded.impl, ctx, { stopAtFirstFailure: true });
          const killer = outcomes.find((o) => !o.ok);
          expect(killer, `mutant ${rel} survived every property of ${level.ref}`).toBeDefined();
          expect(isNotImplemented(killer?.error), "a mutant must fail a property, not throw NotImplemented").toBe(false);
        }, 120_000);
      }
    }
  });
}
