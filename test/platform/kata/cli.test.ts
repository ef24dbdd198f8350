import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../src/kata/index.js";

const run = promisify(execFile);

/**
 * The learner's loop end to end, in a scratch copy of the repository so the real stub is
 * never touched: a wrong answer fails with a counter-example and replays from its seed; the
 * right answer passes and `list` shows it done.
 */
let root: string;

async function kata(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--no-node-snapshot", "--import", "tsx", join(root, "src/kata/cli.ts"), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FC_SEED: "", FC_PATH: "" },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const stubRel = "katas/q0-warmup/level-1-fixed-window.ts";

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "edge-kata-cli-"));
  for (const dir of ["src", "katas", "solutions", "test/katas", "test/mutants", "test/support"]) {
    cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
  }
  for (const f of ["package.json", "tsconfig.json"]) cpSync(join(REPO_ROOT, f), join(root, f));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run kata", () => {
  it("lists the untouched warm-up as todo and check exits 1", async () => {
    expect((await kata("list")).out).toMatch(/todo\s+q0\/1/);
    expect((await kata("check", "q0/1")).code).toBe(1);
  });

  it("fails a wrong answer with a shrunk counter-example, and --seed replays it exactly", async () => {
    cpSync(join(root, "test/mutants/q0-warmup/level-1-off-by-one.ts"), join(root, stubRel));
    const first = await kata("check", "q0/1");
    expect(first.code).toBe(1);
    expect(first.out).toContain("Counterexample:");
    const seed = /FC_SEED=(-?\d+)/.exec(first.out)?.[1];
    expect(seed).toBeDefined();
    const counterexample = (out: string): string => /Counterexample: (.*)/.exec(out)?.[1] ?? "none";
    const replay = await kata("check", "q0/1", "--seed", seed!);
    expect(counterexample(replay.out)).toBe(counterexample(first.out));
    expect((await kata("list")).out).toMatch(/failing\s+q0\/1/);
  });

  it("passes the right answer, shows it done, and compare shows both files", async () => {
    writeFileSync(join(root, stubRel), readFileSync(join(root, "solutions/q0-warmup/level-1-fixed-window.ts")));
    expect((await kata("check", "q0/1")).code).toBe(0);
    expect((await kata("list")).out).toMatch(/done\s+q0\/1[\s\S]*1\/1/);
    const compared = await kata("compare", "q0/1");
    expect(compared.code).toBe(0);
    expect(compared.out).toContain("solutions/q0-warmup/level-1-fixed-window.ts");
  });

  it("refuses compare before the level passes unless --force", async () => {
    cpSync(join(REPO_ROOT, stubRel), join(root, stubRel));
    expect((await kata("compare", "q0/1")).code).toBe(1);
    expect((await kata("compare", "q0/1", "--force")).code).toBe(0);
  });

  it("gives one more hint per call", async () => {
    const a = await kata("hint", "q0/1");
    const b = await kata("hint", "q0/1");
    expect(a.out).toContain("Hint 1/");
    expect(a.out).not.toContain("Hint 2/");
    expect(b.out).toContain("Hint 2/");
  });

  it("rejects an unknown level with a clear message", async () => {
    const r = await kata("check", "q9/1");
    expect(r.code).toBe(2);
    expect(r.out).toContain('no kata "q9"');
  });
});
