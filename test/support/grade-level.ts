import { resolve } from "node:path";
import { describe, it } from "vitest";
import { findLevel, loadImplementation, type LevelSuite, REPO_ROOT } from "../../src/kata/index.js";
import { contextFromEnv } from "../../src/kata/property.js";
import { relativeToRoot } from "../../src/kata/catalog.js";

interface Target {
  label: "solution" | "kata" | "impl";
  path: string;
  /** The KATA_IMPL value that selects this target alone, for replay lines. */
  kataImpl: string;
}

/** KATA_IMPL=katas|solutions|<path>; unset grades both the reference solution and the kata file. */
function targetsFor(stubPath: string, solutionPath: string): Target[] {
  const choice = process.env.KATA_IMPL ?? "";
  const solution: Target = { label: "solution", path: solutionPath, kataImpl: "solutions" };
  const kata: Target = { label: "kata", path: stubPath, kataImpl: "katas" };
  if (choice === "katas") return [kata];
  if (choice === "solutions") return [solution];
  if (choice !== "" && choice !== "all") return [{ label: "impl", path: resolve(REPO_ROOT, choice), kataImpl: choice }];
  return [solution, kata];
}

/**
 * Registers a level's properties as vitest tests for each implementation under test. A kata
 * file that still throws NotImplemented becomes one `todo`; a reference solution never may.
 * Every property runs on the level's default seed unless FC_SEED says otherwise.
 */
export async function gradeLevel<Impl>(suite: LevelSuite<Impl>): Promise<void> {
  const level = findLevel(`${suite.kata}/${suite.level}`);
  for (const target of targetsFor(level.stubPath, level.solutionPath)) {
    const loaded = await loadImplementation(suite, target.path);
    const rel = relativeToRoot(target.path);
    describe(`${level.ref} ${level.title} [${target.label}: ${rel}]`, () => {
      if (loaded.kind === "todo" && target.label !== "solution") {
        it.todo(`unsolved: ${rel} still throws NotImplemented (npm run kata -- hint ${level.ref})`);
        return;
      }
      if (loaded.kind !== "ready") {
        it(`loads ${rel}`, () => {
          throw loaded.kind === "todo" ? new Error("a reference solution must not throw NotImplemented") : loaded.error;
        });
        return;
      }
      const impl = target.label === "impl" ? { impl: target.kataImpl } : {};
      const ctx = contextFromEnv({ target: rel, ref: level.ref, testFile: relativeToRoot(level.testPath), kataImpl: target.kataImpl, ...impl });
      for (const property of suite.properties) {
        it(property.name, async () => property.run(loaded.impl, { ...ctx, property: property.name }), suite.timeoutMs ?? 60_000);
      }
    });
  }
}
