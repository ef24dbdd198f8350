import { describe, expect, it } from "vitest";
import type { EdgeError } from "../../../src/core/errors.js";
import { backendOf, planMigrations, type MigrationStep } from "../../../src/durable-objects/migrations.js";
import { parseWranglerToml } from "../../../src/workers/wrangler-toml.js";

const step = (tag: string, s: Partial<MigrationStep> = {}): MigrationStep => ({ tag, newClasses: [], newSqliteClasses: [], renamedClasses: [], deletedClasses: [], ...s });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as EdgeError).code;
  }
  return undefined;
};

describe("Durable Object migrations", () => {
  it("parses [[migrations]] from wrangler.toml", () => {
    const { config } = parseWranglerToml(`name = "x"
[[migrations]]
tag = "v1"
new_classes = ["Old"]
new_sqlite_classes = ["Counter"]
[[migrations]]
tag = "v2"
renamed_classes = [{ from = "Counter", to = "Tally" }]
deleted_classes = ["Old"]
`);
    expect(config.migrations).toEqual([
      { tag: "v1", newClasses: ["Old"], newSqliteClasses: ["Counter"], renamedClasses: [], deletedClasses: [] },
      { tag: "v2", newClasses: [], newSqliteClasses: [], renamedClasses: [{ from: "Counter", to: "Tally" }], deletedClasses: ["Old"] },
    ]);
    expect(() => parseWranglerToml('name = "x"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = "Counter"\n')).toThrow(/new_sqlite_classes" must be an array of strings/);
  });

  it("applies steps in order: the backend is fixed at creation and follows a rename", () => {
    const plan = planMigrations(
      [step("v1", { newClasses: ["Legacy"], newSqliteClasses: ["Counter"] }), step("v2", { renamedClasses: [{ from: "Counter", to: "Tally" }] }), step("v3", { deletedClasses: ["Legacy"] })],
      ["v1"],
    );
    expect([...plan.classes]).toEqual([["Tally", "sqlite"]]);
    expect(backendOf(plan, "Tally")).toBe("sqlite");
    expect(codeOf(() => backendOf(plan, "Counter"))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => backendOf(plan, "Legacy"))).toBe("DO_MIGRATION_INVALID");
    expect(backendOf(planMigrations([step("v1", { newClasses: ["K"] })], []), "K")).toBe("kv");
  });

  it("keeps the old behaviour (key-value backend) when there are no migrations at all", () => {
    expect(backendOf(planMigrations([], []), "Anything")).toBe("kv");
  });

  it("says what is wrong, with the step it found it in", () => {
    const v1 = step("v1", { newSqliteClasses: ["A"] });
    expect(() => planMigrations([v1, v1], [])).toThrow("[[migrations]]: tags must be unique, got v1, v1");
    expect(() => planMigrations([step("v0"), v1], ["v1"])).toThrow('[[migrations]]: migration "v1" was applied before as step 1, but the configuration has "v0" there');
    expect(() => planMigrations([v1], ["v1", "v2"])).toThrow('[[migrations]]: migration "v2" was applied before as step 2, but the configuration has fewer steps');
    expect(() => planMigrations([v1, step("v2", { newClasses: ["A"] })], [])).toThrow("[[migrations]]: v2: class A already exists");
    expect(() => planMigrations([step("v1", { renamedClasses: [{ from: "X", to: "Y" }] })], [])).toThrow("[[migrations]]: v1: cannot rename X, which does not exist");
    expect(() => planMigrations([step("v1", { deletedClasses: ["X"] })], [])).toThrow("[[migrations]]: v1: cannot delete X, which does not exist");
    expect(() => backendOf(planMigrations([v1], []), "B")).toThrow("[[migrations]]: class B is bound but no migration creates it (add it to new_sqlite_classes)");
  });

  it("refuses an edited history, duplicate tags and impossible steps", () => {
    const v1 = step("v1", { newSqliteClasses: ["A"] });
    expect(codeOf(() => planMigrations([step("v0"), v1], ["v1"]))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => planMigrations([], ["v1"]))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => planMigrations([v1, v1], []))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => planMigrations([v1, step("v2", { newClasses: ["A"] })], []))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => planMigrations([step("v1", { renamedClasses: [{ from: "X", to: "Y" }] })], []))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => planMigrations([step("v1", { deletedClasses: ["X"] })], []))).toBe("DO_MIGRATION_INVALID");
    expect(codeOf(() => planMigrations([v1, step("v2", { newClasses: ["B"] }), step("v3", { renamedClasses: [{ from: "A", to: "B" }] })], []))).toBe("DO_MIGRATION_INVALID");
  });
});
