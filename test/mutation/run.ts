/**
 * `npm run mutate [-- <kata/level | kata> …] [--concurrency n]`: StrykerJS mutation testing of
 * the reference solutions. For each level it mutates the solution (and the platform code the
 * solution delegates the learner's logic to: kata.json `mutate`) and runs only that level's
 * suite against each mutant, on the level's default seed — the seed a learner is graded on.
 * Writes Stryker's HTML and JSON reports to reports/mutation/<kata>-<level>/, a summary table
 * to reports/mutation/summary.md, and merges the levels it ran into the committed
 * test/mutants/<kata>/mutation-score.json (scores and every surviving mutant, for the book
 * and for whoever sharpens the suites). Argued equivalents (test/mutants/<kata>/equivalent.json) are
 * left out of the score.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { findKata, findLevel, type LevelInfo, loadCatalog, REPO_ROOT, relativeToRoot } from "../../src/kata/catalog.js";
import { describesMutant, loadEquivalents } from "./equivalents.js";
import { BASELINE_PATH, type LevelResult, readSummary, scoreReport, type StrykerReport, summaryTable, writeKataSummaries } from "./summary.js";
import { mutateTargets, strykerPatterns } from "./targets.js";

const REPORTS_DIR = join(REPO_ROOT, "reports", "mutation");
/** Per-level Stryker and tsconfig files. Not under reports/: Stryker never copies that folder into its sandbox. */
const WORK_DIR = join(REPO_ROOT, ".mutation");

/**
 * Two processes by default: on 2 cores Stryker runs one TypeScript checker beside one test
 * runner, then two runners once every mutant is checked.
 */
const CONCURRENCY_DEFAULT = 2;

interface Options {
  levels: LevelInfo[];
  concurrency: number;
  /** Score the existing reports again (after editing equivalent.json) without running Stryker. */
  rescore: boolean;
}

const USAGE = "usage: npm run mutate -- [q5/1 | q5 …] [--concurrency n] [--rescore]";

function parseArgs(argv: readonly string[]): Options {
  const catalog = loadCatalog();
  const levels: LevelInfo[] = [];
  let concurrency = CONCURRENCY_DEFAULT;
  let rescore = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--concurrency") {
      concurrency = Number(argv[++i]);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency needs a positive integer, got "${argv[i]}"`);
    } else if (arg === "--rescore") rescore = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}; ${USAGE}`);
    else if (arg.includes("/")) levels.push(findLevel(arg, catalog));
    else levels.push(...findKata(arg, catalog).levels);
  }
  return { levels: levels.length > 0 ? levels : catalog.flatMap((k) => k.levels), concurrency, rescore };
}

const levelId = (level: LevelInfo): string => level.ref.replace("/", "-");

/** Writes the level's tsconfig (just the mutated files, so each type check is small) and Stryker config. */
function writeConfigs(level: LevelInfo, concurrency: number): string {
  const dir = join(WORK_DIR, levelId(level));
  mkdirSync(dir, { recursive: true });
  const targets = mutateTargets(level);
  const files = [...new Set(targets.map((t) => `../../${t.file}`))];
  writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify({ extends: "../../tsconfig.json", include: [], files }, null, 2)}\n`);
  const out = join(REPORTS_DIR, levelId(level));
  const config = {
    $schema: "../../node_modules/@stryker-mutator/core/schema/stryker-schema.json",
    testRunner: "vitest",
    checkers: ["typescript"],
    tsconfigFile: relativeToRoot(join(dir, "tsconfig.json")),
    mutate: strykerPatterns(targets),
    // isolated-vm needs it in every process that loads it (q3/4 runs untrusted code in isolates).
    testRunnerNodeArgs: ["--no-node-snapshot"],
    vitest: { configFile: "test/mutation/vitest.config.ts", related: false },
    coverageAnalysis: "perTest",
    // A mutant that loops forever is caught by the timeout and counts as killed. The margin is
    // wide so a loaded machine does not pass a slow but finite run off as a kill.
    timeoutFactor: 3,
    timeoutMS: 20_000,
    concurrency,
    reporters: ["html", "json", "progress"],
    htmlReporter: { fileName: relativeToRoot(join(out, "index.html")) },
    jsonReporter: { fileName: relativeToRoot(join(out, "mutation.json")) },
    thresholds: { high: 90, low: 80, break: null },
    ignorePatterns: ["/book", "/bench", "/dist", "/.edge-data", "/test-results", "/reports"],
    tempDirName: ".stryker-tmp",
    logLevel: "info",
    fileLogLevel: "off",
  };
  const path = join(dir, "stryker.config.json");
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** Runs Stryker for one level in its own process (its log goes to reports/mutation/<id>/stryker.log). */
function runStryker(level: LevelInfo, configPath: string): Promise<void> {
  const out = join(REPORTS_DIR, levelId(level));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const log = createWriteStream(join(out, "stryker.log"));
  const bin = join(dirname(createRequire(import.meta.url).resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
  const env = {
    ...process.env,
    KATA_IMPL: "solutions",
    MUTATE_TEST_FILE: relativeToRoot(level.testPath),
    // Every property runs on the level's default seed: the one a learner is graded on.
    FC_SEED: "",
    FC_PATH: "",
    FC_RUNS_SCALE: "",
    NO_COLOR: "1",
  };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, "run", relativeToRoot(configPath)], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("error", fail);
    child.on("close", (code) => {
      log.end();
      if (code === 0) done();
      else fail(new Error(`Stryker failed on ${level.ref} (exit code ${code}); see ${relativeToRoot(join(out, "stryker.log"))}`));
    });
  });
}

function strykerVersion(): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve("@stryker-mutator/core/package.json"), "utf8")) as { version: string }).version;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const results: LevelResult[] = [];
  const failures: string[] = [];
  const started = performance.now();
  const stryker = strykerVersion();
  const previous = new Map((readSummary()?.levels ?? []).map((l) => [l.ref, l]));
  for (const level of options.levels) {
    const t0 = performance.now();
    process.stdout.write(`${level.ref.padEnd(6)} ${options.rescore ? "rescoring" : "mutating"} ${mutateTargets(level).map((t) => t.spec).join(", ")} … `);
    const reportPath = join(REPORTS_DIR, levelId(level), "mutation.json");
    try {
      if (!options.rescore) await runStryker(level, writeConfigs(level, options.concurrency));
      else if (!existsSync(reportPath)) throw new Error(`${level.ref}: no report at ${relativeToRoot(reportPath)} to rescore; run npm run mutate -- ${level.ref}`);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      console.log("failed");
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as StrykerReport;
    const equivalents = loadEquivalents(level.kata).filter((e) => e.level === level.level);
    const seconds = options.rescore ? (previous.get(level.ref)?.seconds ?? 0) : (performance.now() - t0) / 1000;
    const result = scoreReport(report, { ref: level.ref, kata: level.kata, level: level.level, targets: mutateTargets(level).map((t) => t.spec) }, equivalents, seconds);
    results.push(result);
    // Written level by level, so an interrupted run keeps what it measured.
    writeKataSummaries([result], stryker);
    console.log(`${result.score.toFixed(1)}%  killed ${result.killed}/${result.killed + result.survived}, ${result.survived} survived, ${result.equivalent} equivalent, ${result.compileErrors} don't type-check  (${result.seconds} s)`);
    for (const e of equivalents) {
      const matched = Object.entries(report.files).some(([file, f]) => f.mutants.some((m) => describesMutant(e, file, m)));
      if (!matched) console.log(`       stale equivalent in ${relativeToRoot(join(REPO_ROOT, "test", "mutants", level.kata, "equivalent.json"))}: ${e.file} ${e.mutator} ${e.location} no longer matches a mutant`);
    }
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(REPORTS_DIR, { recursive: true });
  const table = summaryTable({ stryker, node: process.version, levels: results }, readSummary(BASELINE_PATH));
  writeFileSync(join(REPORTS_DIR, "summary.md"), `# Mutation scores (${new Date().toISOString().slice(0, 10)}, ${seconds} s)\n\n${table}\n`);
  writeFileSync(join(REPORTS_DIR, "summary.json"), `${JSON.stringify({ seconds, levels: results }, null, 2)}\n`);
  console.log(`\n${table}\n\n${results.length} level(s) in ${seconds} s. Reports: reports/mutation/<kata>-<level>/index.html; scores and survivors: test/mutants/<kata>/mutation-score.json`);
  if (existsSync(WORK_DIR)) rmSync(WORK_DIR, { recursive: true, force: true });
  for (const f of failures) console.error(f);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
