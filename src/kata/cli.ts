/**
 * `npm run kata -- <command>`: the learner's progress board, in the spirit of rustlings.
 * `npm run kata -- help` prints the usage below.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { findKata, findLevel, loadCatalog, type LevelInfo, REPO_ROOT, relativeToRoot } from "./catalog.js";
import { importSuite, loadImplementation, runProperties } from "./grade.js";
import { hintsFor } from "./hints.js";
import { contextFromEnv, defaultSeed, seedFrom } from "./property.js";
import { contentHash, KataState, type LevelStatus } from "./state.js";
import { typeCheckInChild, type TypeDiagnostic } from "./typecheck.js";
import { bold, dim, green, progressBar, red, sideBySide, yellow } from "./ui.js";
import { watchKatas } from "./watch.js";

const USAGE = `Usage: npm run kata -- <command> [options]

Commands:
  list                      every level with its state (todo / failing / done) and your progress
  check                     grade the next level that is not done yet
  check <kata/level>        grade one level, e.g. check q1/2; exit code 0 (pass) or 1 (fail)
  check <kata>              grade every level of a kata in order, e.g. check q1
  watch                     grade the current level now and again on every save (Ctrl-C stops)
  hint <kata/level>         reveal one more hint (--all: every hint)
  compare <kata/level>      your file beside the reference solution, once your level passes (--force: earlier)
  reset <kata/level>        put the original stub back
  help                      this text

Options for check:
  --impl <file>             grade another file against the level
  --seed <n|random>         run on seed n (a replay), or on a fresh random seed to explore;
                            without it a level runs on its fixed default seed (FC_SEED works too)
  --verbose                 print counter-examples, reasons and FC_PATHs in full

check also type-checks the graded file with the project's tsconfig: a type error fails the level.`;

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["impl", "seed"]);
const KNOWN_FLAGS = new Set([...VALUE_FLAGS, "all", "force", "verbose", "help"]);

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const [first = "list", ...rest] = argv;
  const command = first === "--help" || first === "-h" ? "help" : first;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "-h") {
      flags.set("help", true);
      continue;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!KNOWN_FLAGS.has(name)) throw new UsageError(`unknown option --${name}; known: ${[...KNOWN_FLAGS].map((f) => `--${f}`).join(", ")}`);
    if (VALUE_FLAGS.has(name)) {
      const value = eq < 0 ? rest[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
      if (name === "seed" && !/^(-?\d+|random)$/.test(value)) throw new UsageError(`--seed must be an integer or "random", got "${value}"`);
      flags.set(name, value);
    } else flags.set(name, true);
  }
  return { command, positional, flags };
}

export interface CheckResult {
  status: LevelStatus;
  firstFailure?: string;
}

interface CheckOptions {
  /** `--impl` as typed, kept in replay lines. */
  impl?: string;
  /** `--seed` as typed (an integer or "random"); FC_SEED when absent. */
  seed?: string;
  verbose?: boolean;
  quiet?: boolean;
}

function formatTypeErrors(errors: readonly TypeDiagnostic[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message.split("\n").join("\n    ")}`).join("\n");
}

/**
 * Grades `implPath` against the level's suite: the type check runs in a child process while
 * the properties run here, and every failing property is printed with its replay lines.
 */
async function checkLevel(level: LevelInfo, implPath: string, options: CheckOptions = {}): Promise<CheckResult> {
  const say = (line: string): void => void (options.quiet === true || console.log(line));
  const suite = await importSuite(level.suitePath);
  const loaded = await loadImplementation(suite, implPath, true);
  if (loaded.kind === "todo") {
    say(`${yellow("todo")}  ${level.ref} ${level.title}: ${relativeToRoot(implPath)} still throws NotImplemented`);
    return { status: "todo" };
  }
  // The project's tsconfig speaks for files inside the project only.
  const inProject = !relative(REPO_ROOT, implPath).startsWith("..");
  const typeCheck = inProject ? typeCheckInChild(implPath) : Promise.resolve([]);
  if (loaded.kind === "broken") {
    const message = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
    const typeErrors = await typeCheck;
    say(`${red("fail")}  ${level.ref} ${level.title}: cannot load ${relativeToRoot(implPath)}: ${message}`);
    if (typeErrors.length > 0) say(red(formatTypeErrors(typeErrors)));
    return { status: "failing", firstFailure: message };
  }
  const env = { ...process.env, ...(options.seed !== undefined ? { FC_SEED: options.seed } : {}) };
  const ctx = contextFromEnv({
    target: relativeToRoot(implPath),
    ref: level.ref,
    testFile: relativeToRoot(level.testPath),
    env,
    kataImpl: options.impl ?? (implPath === level.stubPath ? "katas" : relativeToRoot(implPath)),
    ...(options.impl !== undefined ? { impl: options.impl } : {}),
    ...(options.verbose === true ? { verbose: true } : {}),
  });
  const seedNote = ctx.seed === undefined ? "a random seed" : ctx.seed === defaultSeed(level.ref) ? `seed ${ctx.seed} (the level's default)` : `seed ${ctx.seed}`;
  say(dim(`${level.ref} ${level.title} — ${relativeToRoot(implPath)} on ${seedNote}${inProject ? "" : " (outside the project: not type-checked)"}`));
  const outcomes = await runProperties(suite, loaded.impl, ctx, { stopAtFirstFailure: false });
  const failed = outcomes.filter((o) => !o.ok);
  for (const o of outcomes) {
    say(`  ${o.ok ? green("✓") : red("✗")} ${o.name} ${dim(`${o.ms.toFixed(0)} ms`)}`);
    if (!o.ok) {
      const message = o.error instanceof Error ? o.error.message : String(o.error);
      say(red(message.split("\n").map((l) => `      ${l}`).join("\n")));
    }
  }
  const typeErrors = await typeCheck;
  if (typeErrors.length > 0) {
    say(`  ${red("✗")} type check (tsconfig.json): ${typeErrors.length} error${typeErrors.length === 1 ? "" : "s"}`);
    say(red(formatTypeErrors(typeErrors).split("\n").map((l) => `      ${l}`).join("\n")));
  }
  const firstError = failed[0]?.error;
  const firstFailure =
    firstError !== undefined ? (firstError instanceof Error ? firstError.message : String(firstError)) : typeErrors.length > 0 ? formatTypeErrors(typeErrors.slice(0, 1)) : undefined;
  if (firstFailure === undefined) {
    say(`${green("pass")}  ${level.ref} ${level.title}`);
    return { status: "done" };
  }
  const parts = [
    ...(failed.length > 0 ? [`${failed.length} of ${outcomes.length} properties failed`] : []),
    ...(typeErrors.length > 0 ? [`${typeErrors.length} type error${typeErrors.length === 1 ? "" : "s"}`] : []),
  ];
  say(`${red("fail")}  ${level.ref} ${level.title}: ${parts.join(", ")}`);
  return { status: "failing", firstFailure };
}

/** The cached status of a learner's level (re-graded quietly when the file changed). */
async function statusOf(level: LevelInfo, state: KataState): Promise<LevelStatus> {
  if (!existsSync(level.stubPath)) return "todo";
  const record = state.record(level.ref);
  const hash = contentHash(level.stubPath);
  if (record.lastCheck?.contentHash === hash) return record.lastCheck.status;
  const result = await checkLevel(level, level.stubPath, { quiet: true });
  record.lastCheck = { status: result.status, contentHash: hash, ...(result.firstFailure ? { firstFailure: result.firstFailure } : {}) };
  return result.status;
}

/** The first level, in catalog order, that is not done (rustlings' "current exercise"). */
export async function nextLevel(state = new KataState()): Promise<LevelInfo | undefined> {
  for (const level of loadCatalog().flatMap((k) => k.levels)) {
    if ((await statusOf(level, state)) !== "done") {
      state.save();
      return level;
    }
  }
  state.save();
  return undefined;
}

async function list(): Promise<number> {
  const state = new KataState();
  let done = 0;
  let total = 0;
  for (const kata of loadCatalog()) {
    console.log(bold(`\n${kata.short}  ${kata.title}`));
    console.log(dim(`    “${kata.question}”`));
    for (const level of kata.levels) {
      const status = await statusOf(level, state);
      total++;
      if (status === "done") done++;
      const label = status === "done" ? green("done   ") : status === "failing" ? red("failing") : yellow("todo   ");
      const optional = level.optional ? dim(" (optional)") : "";
      console.log(`  ${label} ${level.ref.padEnd(6)} ${level.title}${optional}  ${dim(relativeToRoot(level.stubPath))}`);
    }
  }
  state.save();
  console.log(`\nProgress ${progressBar(done, total)}`);
  return 0;
}

/** What to do after a pass: compare with the reference, then read the model answer. */
function afterPass(level: LevelInfo): string {
  const answer = join(REPO_ROOT, "solutions", level.kata, "ANSWER.md");
  const lines = [`Next: compare your file with the reference: npm run kata -- compare ${level.ref}`];
  if (existsSync(answer)) lines.push(`      then read the answer you would give in the room: ${relativeToRoot(answer)}`);
  const levels = loadCatalog().flatMap((k) => k.levels);
  const untouched = levels.slice(levels.findIndex((l) => l.ref === level.ref) + 1).find((l) => readFileSync(l.stubPath, "utf8").includes("new NotImplemented("));
  if (untouched) lines.push(`      and on to ${untouched.ref} ${untouched.title}: ${relativeToRoot(untouched.stubPath)}`);
  return lines.join("\n");
}

async function gradeAndRecord(level: LevelInfo, args: Args): Promise<CheckResult> {
  const implFlag = args.flags.get("impl");
  const implPath = typeof implFlag === "string" ? resolve(implFlag) : level.stubPath;
  const seedFlag = args.flags.get("seed");
  const result = await checkLevel(level, implPath, {
    ...(typeof implFlag === "string" ? { impl: implFlag } : {}),
    ...(typeof seedFlag === "string" ? { seed: seedFlag } : {}),
    verbose: args.flags.has("verbose"),
  });
  // Only a grade on the default seed is the level's status: an exploring run that finds a bug
  // is still recorded (the file is wrong), but a lucky random pass does not mark it done.
  const onDefaultSeed = seedFlag === undefined && seedFrom(process.env.FC_SEED, level.ref) === defaultSeed(level.ref);
  if (implPath === level.stubPath && (onDefaultSeed || result.status !== "done")) {
    const state = new KataState();
    const extra = result.firstFailure ? { firstFailure: result.firstFailure } : {};
    state.record(level.ref).lastCheck = { status: result.status, contentHash: contentHash(implPath), ...extra };
    state.save();
  }
  if (result.status === "done" && implPath === level.stubPath) console.log(dim(afterPass(level)));
  return result;
}

async function check(args: Args): Promise<number> {
  const target = args.positional[0];
  if (target === undefined) {
    if (args.flags.has("impl")) throw new UsageError("--impl needs a level: check <kata/level> --impl <file>");
    const level = await nextLevel();
    if (level === undefined) {
      console.log(green("Every level is done."));
      return 0;
    }
    return (await gradeAndRecord(level, args)).status === "done" ? 0 : 1;
  }
  if (target.includes("/")) return (await gradeAndRecord(findLevel(target), args)).status === "done" ? 0 : 1;
  if (args.flags.has("impl")) throw new UsageError("--impl grades one level: check <kata/level> --impl <file>");
  const kata = findKata(target);
  const counts: Record<LevelStatus, number> = { done: 0, failing: 0, todo: 0 };
  for (const level of kata.levels) {
    counts[(await gradeAndRecord(level, args)).status]++;
    console.log("");
  }
  console.log(`${kata.short}: ${counts.done} done, ${counts.failing} failing, ${counts.todo} todo of ${kata.levels.length}`);
  return counts.done === kata.levels.length ? 0 : 1;
}

function hint(args: Args): number {
  const level = findLevel(args.positional[0] ?? "");
  const kata = loadCatalog().find((k) => k.id === level.kata)!;
  const hints = hintsFor(kata.readmePath, level.level);
  if (hints.length === 0) {
    console.log(`No hints for ${level.ref} yet.`);
    return 0;
  }
  const state = new KataState();
  const record = state.record(level.ref);
  const shown = args.flags.has("all") ? hints.length : Math.min(hints.length, record.hintsShown + 1);
  record.hintsShown = Math.max(record.hintsShown, shown);
  state.save();
  hints.slice(0, shown).forEach((h, i) => console.log(`${bold(`Hint ${i + 1}/${hints.length}`)}  ${h}`));
  if (shown < hints.length) console.log(dim(`(run the same command again for hint ${shown + 1})`));
  return 0;
}

async function compare(args: Args): Promise<number> {
  const level = findLevel(args.positional[0] ?? "");
  if (!args.flags.has("force")) {
    const result = await checkLevel(level, level.stubPath, { quiet: true });
    if (result.status !== "done") {
      console.log(`${level.ref} is ${result.status}: solve it first, or add --force to peek at the reference.`);
      return 1;
    }
  }
  const width = Math.max(40, Math.floor(((process.stdout.columns ?? 160) - 4) / 2));
  console.log(bold(`${relativeToRoot(level.stubPath).padEnd(width)}   ${relativeToRoot(level.solutionPath)}`));
  console.log(sideBySide(readFileSync(level.stubPath, "utf8"), readFileSync(level.solutionPath, "utf8"), width));
  return 0;
}

/** The stub is the newest committed version of the file that still throws NotImplemented. */
function reset(args: Args): number {
  const level = findLevel(args.positional[0] ?? "");
  const rel = relative(REPO_ROOT, level.stubPath);
  const git = (...a: string[]): string => execFileSync("git", a, { cwd: REPO_ROOT, encoding: "utf8" });
  for (const sha of git("log", "--format=%H", "--", rel).split("\n").filter(Boolean)) {
    const text = git("show", `${sha}:${rel}`);
    if (text.includes("new NotImplemented(")) {
      writeFileSync(level.stubPath, text);
      console.log(`restored ${rel} from ${sha.slice(0, 8)}`);
      return 0;
    }
  }
  console.error(`no committed stub found for ${rel}`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  // `npm run kata -- list | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const args = parseArgs(argv);
  if (args.command === "help" || args.flags.has("help")) {
    console.log(USAGE);
    return 0;
  }
  switch (args.command) {
    case "list":
      return list();
    case "check":
      return check(args);
    case "hint":
      return hint(args);
    case "compare":
      return compare(args);
    case "reset":
      return reset(args);
    case "watch":
      await watchKatas({ catalog: loadCatalog(), cli: process.argv[1]! });
      return -1;
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (error instanceof UsageError) console.error(`\n${USAGE}`);
    process.exitCode = 2;
  },
);
