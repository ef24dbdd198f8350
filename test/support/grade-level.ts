import { resolve } from "node:path";
import { describe, it } from "vitest";
import { findLevel, loadImplementation, type LevelSuite, REPO_ROOT } from "../../src/kata/index.js";
import { contextFromEnv } from "../../src/kata/property.js";
import { relativeToRoot } from "../../src/kata/catalog.js";

interface Target {
  label: "solution" | "kata" | "impl";
  path: string;
}

/** KATA_IMPL=katas|solutions|<path>; unset grades both the reference solution and the kata file. */
function targetsFor(stubPath: string, solutionPath: string): Target[] {
  const choice = process.env.KATA_IMPL ?? "";
  if (choice === "katas") return [{ label: "kata", path: stubPath }];
  if (choice === "solutions") return [{ label: "solution", path: solutionPath }];
  if (choice !== "" && choice !== "all") return [{ label: "impl", path: resolve(REPO_ROOT, choice) }];
  return [
    { label: "solution", path: solutionPath },
    { label: "kata", path: stubPath },
  ];
}

/**
 * Registers a level's properties as vitest tests for each implementation under test. A kata
 * file that still throws NotImplemented becomes one `todo`; a reference solution never may.
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
      for (const property of suite.properties) {
        it(property.name, async () => property.run(loaded.impl, contextFromEnv(rel, process.env, level.ref)), suite.timeoutMs ?? 60_000);
      }
    });
  }
}
