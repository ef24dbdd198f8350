import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EdgeError } from "../../../src/core/errors.js";
import { backendOf, planMigrations, type MigrationStep } from "../../../src/durable-objects/migrations.js";
import { type RunningEdgeServer, startEdgeServer } from "../../../src/server/edge-server.js";
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

/**
 * The server remembers the tags it applied in its data directory: a restart with more steps
 * applies only those (a renamed class keeps its objects' data), and a restart with an edited
 * history is refused instead of silently re-run.
 */
describe("migration tags across restarts of the server", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-migrations-"));
  const dataDir = join(dir, "data");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const worker = (className: string): string => `import { DurableObject } from "cloudflare:workers";
export class ${className} extends DurableObject {
  add() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (n INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO hits VALUES (1)");
    return this.ctx.storage.sql.exec("SELECT count(*) AS c FROM hits").one().c;
  }
}
export default { async fetch(request, env) { return Response.json(await env.HITS.get(env.HITS.idFromName("one")).add()); } };
`;
  const deploy = async (className: string, migrations: string): Promise<RunningEdgeServer> => {
    writeFileSync(join(dir, "worker.js"), worker(className));
    writeFileSync(join(dir, "wrangler.toml"), `name = "hits"\nmain = "worker.js"\ncompatibility_date = "2026-12-01"\n[[durable_objects.bindings]]\nname = "HITS"\nclass_name = "${className}"\n${migrations}`);
    return startEdgeServer({ host: "127.0.0.1", port: 0, configPath: join(dir, "wrangler.toml"), dataDir, log: () => undefined });
  };
  const hit = async (server: RunningEdgeServer): Promise<unknown> => (await fetch(`${server.url}/`)).json();
  const V1 = '[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Counter"]\n';
  const V2 = '[[migrations]]\ntag = "v2"\nrenamed_classes = [{ from = "Counter", to = "Tally" }]\n';

  it("applies new steps after the remembered ones, and refuses an edited history on the next start", async () => {
    const first = await deploy("Counter", V1);
    try {
      expect(await hit(first)).toBe(1);
    } finally {
      await first.close();
    }
    const renamed = await deploy("Tally", V1 + V2);
    try {
      expect(await hit(renamed)).toBe(2);
    } finally {
      await renamed.close();
    }
    // Both tags are remembered now: a configuration that drops or renames one is refused.
    await expect(deploy("Tally", V1.replace('"v1"', '"v1-edited"') + V2)).rejects.toMatchObject({ code: "DO_MIGRATION_INVALID", message: expect.stringContaining('migration "v1" was applied before as step 1') });
    await expect(deploy("Counter", V1)).rejects.toMatchObject({ code: "DO_MIGRATION_INVALID", message: expect.stringContaining('migration "v2" was applied before as step 2, but the configuration has fewer steps') });
  }, 90_000);
});
