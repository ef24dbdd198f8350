/**
 * `npm run kata -- <command>`: the learner's progress board, in the spirit of rustlings.
 *
 *   list                         every level with its state (todo / failing / done)
 *   check <kata/level> [--impl file] [--seed n]   grade one level; exit code 0 (pass) or 1
 *   watch                        re-grade the level you edit on each save
 *   hint <kata/level> [--all]    one more hint each time
 *   compare <kata/level> [--force]  your file beside the reference solution (after it passes)
 *   reset <kata/level>           restore the original stub
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, watch, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { findLevel, loadCatalog, type LevelInfo, REPO_ROOT, relativeToRoot } from "./catalog.js";
import { importSuite, loadImplementation, runProperties } from "./grade.js";
import { hintsFor } from "./hints.js";
import { contextFromEnv } from "./property.js";
import { contentHash, KataState, type LevelStatus } from "./state.js";
import { bold, dim, green, progressBar, red, sideBySide, yellow } from "./ui.js";

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["impl", "seed"]);
const KNOWN_FLAGS = new Set([...VALUE_FLAGS, "all", "force"]);

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const [command = "list", ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
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
      if (name === "seed" && !/^-?\d+$/.test(value)) throw new UsageError(`--seed must be an integer, got "${value}"`);
      flags.set(name, value);
    } else flags.set(name, true);
  }
  return { command, positional, flags };
}

export interface CheckResult {
  status: LevelStatus;
  firstFailure?: string;
}

/** Grades `implPath` against the level's suite, printing one line per property. */
async function checkLevel(level: LevelInfo, implPath: string, seed: string | undefined, quiet = false): Promise<CheckResult> {
  const suite = await importSuite(level.suitePath);
  const loaded = await loadImplementation(suite, implPath, true);
  const say = (line: string): void => void (quiet || console.log(line));
  if (loaded.kind === "todo") {
    say(`${yellow("todo")}  ${level.ref} ${level.title}: ${relativeToRoot(implPath)} still throws NotImplemented`);
    return { status: "todo" };
  }
  if (loaded.kind === "broken") {
    const message = loaded.error instanceof Error ? loaded.error.message : String(loaded.error);
    say(`${red("fail")}  ${level.ref} ${level.title}: cannot load ${relativeToRoot(implPath)}: ${message}`);
    return { status: "failing", firstFailure: message };
  }
  const env = { ...process.env, ...(seed !== undefined ? { FC_SEED: seed } : {}) };
  const ctx = contextFromEnv(relativeToRoot(implPath), env, level.ref);
  const outcomes = await runProperties(suite, loaded.impl, ctx, { stopAtFirstFailure: false });
  let firstFailure: string | undefined;
  for (const o of outcomes) {
    say(`  ${o.ok ? green("✓") : red("✗")} ${o.name} ${dim(`${o.ms.toFixed(0)} ms`)}`);
    if (!o.ok && firstFailure === undefined) {
      firstFailure = o.error instanceof Error ? o.error.message : String(o.error);
      say(red(firstFailure.split("\n").map((l) => `      ${l}`).join("\n")));
    }
  }
  const status: LevelStatus = firstFailure === undefined ? "done" : "failing";
  say(`${status === "done" ? green("pass") : red("fail")}  ${level.ref} ${level.title}`);
  return firstFailure === undefined ? { status } : { status, firstFailure };
}

async function statusOf(level: LevelInfo, state: KataState): Promise<LevelStatus> {
  if (!existsSync(level.stubPath)) return "todo";
  const record = state.record(level.ref);
  const hash = contentHash(level.stubPath);
  if (record.lastCheck?.contentHash === hash) return record.lastCheck.status;
  const result = await checkLevel(level, level.stubPath, undefined, true);
  record.lastCheck = { status: result.status, contentHash: hash, ...(result.firstFailure ? { firstFailure: result.firstFailure } : {}) };
  return result.status;
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

async function check(args: Args): Promise<number> {
  const level = findLevel(args.positional[0] ?? "");
  const implFlag = args.flags.get("impl");
  const implPath = typeof implFlag === "string" ? resolve(implFlag) : level.stubPath;
  const seedFlag = args.flags.get("seed");
  const result = await checkLevel(level, implPath, typeof seedFlag === "string" ? seedFlag : undefined);
  if (implPath === level.stubPath) {
    const state = new KataState();
    const extra = result.firstFailure ? { firstFailure: result.firstFailure } : {};
    state.record(level.ref).lastCheck = { status: result.status, contentHash: contentHash(implPath), ...extra };
    state.save();
  }
  return result.status === "done" ? 0 : 1;
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
    const result = await checkLevel(level, level.stubPath, undefined, true);
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

function watchLoop(): number {
  const catalog = loadCatalog();
  const byPath = new Map(catalog.flatMap((k) => k.levels.map((l) => [resolve(l.stubPath), l] as const)));
  console.log(`Watching katas/ — save a level file to grade it. Ctrl-C to stop.`);
  let timer: NodeJS.Timeout | undefined;
  watch(resolve(REPO_ROOT, "katas"), { recursive: true }, (_event, file) => {
    const level = file ? byPath.get(resolve(REPO_ROOT, "katas", file.toString())) : undefined;
    if (!level) return;
    clearTimeout(timer);
    // A fresh process per grade, so edits to any module the learner's file imports are seen.
    timer = setTimeout(() => {
      console.clear();
      spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, "check", level.ref], { stdio: "inherit" });
      const next = catalog.flatMap((k) => k.levels).find((l) => readFileSync(l.stubPath, "utf8").includes("new NotImplemented("));
      if (next) console.log(dim(`next todo: ${next.ref} ${next.title} (${relativeToRoot(next.stubPath)})`));
    }, 150);
  });
  return -1;
}

async function main(argv: string[]): Promise<number> {
  // `npm run kata -- list | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const args = parseArgs(argv);
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
      return watchLoop();
    default:
      console.error(`unknown command "${args.command}"; use list | check | watch | hint | compare | reset`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
