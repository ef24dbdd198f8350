import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed, REPO_ROOT } from "../../../src/kata/index.js";

const run = promisify(execFile);

/**
 * The learner's loop end to end, in a scratch copy of the repository so the real stub is
 * never touched: a wrong answer fails with a counter-example and replays from its seed; the
 * right answer passes and `list` shows it done; `watch` re-grades after rename-saves.
 */
let root: string;

const cliArgs = (): string[] => ["--no-node-snapshot", "--import", "tsx", join(root, "src/kata/cli.ts")];
const cliEnv = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: "1", FC_SEED: "", FC_PATH: "", KATA_VERBOSE: "" });

async function kata(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...cliArgs(), ...args], { cwd: root, env: cliEnv() });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

// Each CLI call is a fresh Node process with its own type check; on a loaded 2-core machine a
// call took up to 45 s when this was written, so these tests get a wider budget than the global one.
const CLI_TEST_MS = 480_000;

const stubRel = "katas/q0-warmup/level-1-fixed-window.ts";
const solutionRel = "solutions/q0-warmup/level-1-fixed-window.ts";
const offByOneRel = "test/mutants/q0-warmup/level-1-off-by-one.ts";

/** The mutant as a learner's file: same code, imports resolved from katas/q0-warmup/. */
const offByOne = (): string => readFileSync(join(root, offByOneRel), "utf8").replaceAll("../../../", "../../");

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "edge-kata-cli-"));
  for (const dir of ["src", "katas", "solutions", "test"]) {
    cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
  }
  for (const f of ["package.json", "tsconfig.json"]) cpSync(join(REPO_ROOT, f), join(root, f));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run kata", () => {
  it("help and --help print the usage", async () => {
    for (const flag of ["help", "--help"]) {
      const r = await kata(flag);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: npm run kata -- <command>/);
      expect(r.out).toContain("--seed <n|random>");
    }
  }, CLI_TEST_MS);

  it("lists the untouched warm-up as todo; check with no level grades it (the next todo) and exits 1", async () => {
    expect((await kata("list")).out).toMatch(/todo\s+q0\/1/);
    const next = await kata("check");
    expect(next.code).toBe(1);
    expect(next.out).toMatch(/todo\s+q0\/1/);
  }, CLI_TEST_MS);

  it("grades on the level's default seed, lists every failing property, and --seed replays it exactly", async () => {
    writeFileSync(join(root, stubRel), offByOne());
    const first = await kata("check", "q0/1");
    expect(first.code).toBe(1);
    expect(first.out).toContain(`seed ${defaultSeed("q0/1")} (the level's default)`);
    // The off-by-one admits limit + 1: every counting property fails (the two-limiter one
    // counts too), and each is printed.
    expect(first.out.match(/^\s+✗ /gm)?.length).toBe(3);
    expect(first.out.match(/Counterexample:/g)?.length).toBe(3);
    expect(first.out).toContain("3 of 3 properties failed");
    // The test-runner replay names the one file and the one property.
    expect(first.out).toMatch(/or: FC_SEED=-?\d+ FC_PATH=[\d:]+ KATA_IMPL=katas npx vitest run test\/katas\/q0-warmup\/level-1\.test\.ts -t '/);
    const seed = /--seed (-?\d+)/.exec(first.out)?.[1];
    expect(seed).toBe(String(defaultSeed("q0/1")));
    const counterexamples = (out: string): string[] => [...out.matchAll(/Counterexample: (.*)/g)].map((m) => m[1]!);
    const replay = await kata("check", "q0/1", "--seed", seed!);
    expect(counterexamples(replay.out)).toEqual(counterexamples(first.out));
    expect((await kata("check", "q0/1", "--seed", "random")).out).toContain("on a random seed");
  }, CLI_TEST_MS);

  it("keeps --impl in the replay line", async () => {
    const r = await kata("check", "q0/1", "--impl", offByOneRel);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`Replay: npm run kata -- check q0/1 --impl ${offByOneRel} --seed `);
    expect(r.out).toContain(`KATA_IMPL=${offByOneRel} npx vitest run`);
  }, CLI_TEST_MS);

  it("fails a file that behaves right but does not type-check, naming file:line:col", async () => {
    const right = readFileSync(join(root, solutionRel), "utf8");
    writeFileSync(join(root, stubRel), right.replace("const window = Math.floor(", "const unused: string = 42;\n    const window = Math.floor("));
    const r = await kata("check", "q0/1");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✓ admits at most/);
    expect(r.out).toMatch(new RegExp(`${stubRel.replaceAll(".", "\\.")}:\\d+:11 Type 'number' is not assignable to type 'string'`));
    expect(r.out).toContain("1 type error");
  }, CLI_TEST_MS);

  it("passes the right answer, points to compare and the next level, and compare shows both files", async () => {
    writeFileSync(join(root, stubRel), readFileSync(join(root, solutionRel)));
    const passed = await kata("check", "q0/1");
    expect(passed.code).toBe(0);
    expect(passed.out).toContain("npm run kata -- compare q0/1");
    expect(passed.out).toMatch(/on to q1\/1/);
    expect((await kata("list")).out).toMatch(/done\s+q0\/1[\s\S]*Progress/);
    const compared = await kata("compare", "q0/1");
    expect(compared.code).toBe(0);
    expect(compared.out).toContain(solutionRel);
  }, CLI_TEST_MS);

  it("check <kata> grades the kata's levels in order; check alone moves on to the next todo", async () => {
    const q0 = await kata("check", "q0");
    expect(q0.code).toBe(0);
    expect(q0.out).toContain("q0: 1 done, 0 failing, 0 todo of 1");
    const next = await kata("check");
    expect(next.out).toMatch(/todo\s+q1\/1/);
  }, CLI_TEST_MS);

  it("refuses compare before the level passes unless --force", async () => {
    cpSync(join(REPO_ROOT, stubRel), join(root, stubRel));
    expect((await kata("compare", "q0/1")).code).toBe(1);
    expect((await kata("compare", "q0/1", "--force")).code).toBe(0);
  }, CLI_TEST_MS);

  it("gives one more hint per call", async () => {
    const a = await kata("hint", "q0/1");
    const b = await kata("hint", "q0/1");
    expect(a.out).toContain("Hint 1/");
    expect(a.out).not.toContain("Hint 2/");
    expect(b.out).toContain("Hint 2/");
  }, CLI_TEST_MS);

  it("rejects an unknown level with a clear message", async () => {
    const r = await kata("check", "q9/1");
    expect(r.code).toBe(2);
    expect(r.out).toContain('no kata "q9"');
  }, CLI_TEST_MS);
});

describe("npm run kata -- watch", () => {
  let watcher: ChildProcess | undefined;
  afterAll(() => {
    if (watcher?.pid !== undefined && watcher.exitCode === null) watcher.kill();
  });

  /** Resolves once the watcher's output after `from` matches `pattern`. */
  function waitFor(output: () => string, from: number, pattern: RegExp, what: string): Promise<void> {
    return new Promise((done, fail) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (pattern.test(output().slice(from))) {
          clearInterval(poll);
          done();
        } else if (Date.now() - started > 180_000) {
          clearInterval(poll);
          fail(new Error(`watch: no ${what} within 180 s; output:\n${output()}`));
        }
      }, 100);
    });
  }

  it("grades the current level at start and re-grades after each rename-save (sed -i, write-and-rename)", async () => {
    cpSync(join(REPO_ROOT, stubRel), join(root, stubRel));
    let out = "";
    watcher = spawn(process.execPath, [...cliArgs(), "watch"], { cwd: root, env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
    watcher.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    watcher.stderr!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    const output = (): string => out;

    await waitFor(output, 0, /todo\s+q0\/1[\s\S]*Watching/, "grade at start");
    const stub = join(root, stubRel);

    // A JetBrains-style safe write: write a temporary file beside it, then rename it over.
    let mark = out.length;
    writeFileSync(`${stub}.tmp~`, offByOne());
    renameSync(`${stub}.tmp~`, stub);
    await waitFor(output, mark, /fail\s+q0\/1[\s\S]*Watching/, "fail after a rename-save");

    // sed -i replaces the file by a new one (a new inode) every time: fix the bug with it.
    mark = out.length;
    await run("sed", ["-i", "s/this.#admitted <= this.options.limit/this.#admitted < this.options.limit/", stub]);
    expect(readFileSync(stub, "utf8")).toContain("this.#admitted < this.options.limit");
    await waitFor(output, mark, /pass\s+q0\/1[\s\S]*compare q0\/1[\s\S]*Watching/, "pass after sed -i");

    // And a third save the same way is still seen (the old watcher went deaf after the first).
    mark = out.length;
    await run("sed", ["-i", "s/this.#admitted < this.options.limit/this.#admitted <= this.options.limit/", stub]);
    await waitFor(output, mark, /fail\s+q0\/1[\s\S]*Watching/, "fail after a second sed -i");
  }, CLI_TEST_MS);
});
