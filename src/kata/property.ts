import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { hashString } from "../sim/rng.js";
import { REPO_ROOT, relativeToRoot } from "./catalog.js";

/** How the harness wants a property run: replaying a seed, or grading a mutant on a fixed seed. */
export interface PropertyContext {
  /**
   * The seed every property of the level runs on. It is the level's default seed
   * (`defaultSeed(ref)`) unless FC_SEED or `--seed` gives another; undefined means a fresh
   * random seed (`--seed random`, `FC_SEED=random`).
   */
  readonly seed: number | undefined;
  /** Replay path inside the seed (from FC_PATH). */
  readonly path: string | undefined;
  readonly mode: "grade" | "mutant";
  /** Scales every property's run count (FC_RUNS_SCALE); 1 by default. */
  readonly runsScale: number;
  /** Label of the implementation under test, for messages. */
  readonly target: string;
  /** The level, e.g. "q1/2", for the replay command. */
  readonly ref?: string;
  /** The level's test file (`test/katas/<kata>/level-<n>.test.ts`), for the test-runner replay. */
  readonly testFile?: string;
  /** The `--impl` file as the learner typed it, kept in the replay command. */
  readonly impl?: string;
  /** What KATA_IMPL selects this implementation in the test runner: "katas", "solutions" or a path. */
  readonly kataImpl?: string;
  /** The property being run (set by the harness), so a replay can select just that one. */
  readonly property?: string;
  /** Print counter-examples, reasons and FC_PATHs in full instead of size-bounded. */
  readonly verbose?: boolean;
}

export class PropertyFailure extends Error {
  readonly seed: number;
  readonly counterexample: unknown;

  constructor(message: string, seed: number, counterexample: unknown, cause: unknown) {
    super(message, { cause });
    this.name = "PropertyFailure";
    this.seed = seed;
    this.counterexample = counterexample;
  }
}

/**
 * A property's failure that comes with a picture of its counter-example (an SVG, e.g. the
 * linearizability checker's timeline of a history). When grading, `check` writes the picture of
 * the final, shrunk counter-example under `reports/kata/` and names the file in the failure;
 * the picture is drawn only then, never during the search or for a mutant check.
 */
export class PictureFailure extends Error {
  readonly picture: () => string;

  constructor(message: string, picture: () => string) {
    super(message);
    this.name = "PictureFailure";
    this.picture = picture;
  }
}

/** Where `check` writes pictures of counter-examples. */
export const PICTURES_DIR = join(REPO_ROOT, "reports", "kata");

export interface CheckParams {
  /** Runs for this property at scale 1. @defaultValue 100 */
  numRuns?: number;
  /** Per-run budget; see fast-check `interruptAfterTimeLimit`. */
  timeoutMs?: number;
  examples?: unknown[];
}

/** Longest counter-example (characters) printed without `--verbose`. */
export const COUNTEREXAMPLE_CHARS_MAX = 600;
/** Longest reason (characters) printed without `--verbose`. */
export const REASON_CHARS_MAX = 1200;
/** Longest FC_PATH put in a replay line without `--verbose`; the seed alone replays too. */
export const FC_PATH_CHARS_MAX = 120;

/**
 * The seed a level is graded on by default: the same for `npm run kata -- check`, for
 * `npm test` and for the mutant check, so "this mutant is rejected" means "a learner who
 * wrote it sees it rejected". Derived from the level reference, so it never changes by itself.
 */
export function defaultSeed(ref: string): number {
  return hashString(`edge-kata level ${ref}`) | 0;
}

// ANCHOR: check
/**
 * Runs a fast-check property and, on failure, throws a PropertyFailure whose message has the
 * shrunk counter-example, the reason, the seed and the exact commands that replay it.
 */
export async function check<Ts extends [unknown, ...unknown[]]>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  ctx: PropertyContext,
  params: CheckParams = {},
): Promise<void> {
  const numRuns = Math.max(1, Math.round((params.numRuns ?? 100) * ctx.runsScale));
  const parameters: fc.Parameters<Ts> = { numRuns };
  if (ctx.seed !== undefined) parameters.seed = ctx.seed;
  if (ctx.path !== undefined && ctx.seed !== undefined) parameters.path = ctx.path;
  if (params.examples !== undefined) parameters.examples = params.examples as Ts[];
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, parameters);
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const lines = [
    ctx.target,
    `Counterexample: ${bounded(fc.stringify(details.counterexample), COUNTEREXAMPLE_CHARS_MAX, ctx.verbose)}`,
    `Why: ${bounded(cause, REASON_CHARS_MAX, ctx.verbose)}`,
    `(failed after ${details.numRuns} run${details.numRuns === 1 ? "" : "s"}, shrunk ${details.numShrinks} time${details.numShrinks === 1 ? "" : "s"})`,
    ...pictureLines(details.errorInstance, ctx, details.seed),
    ...replayLines(ctx, details.seed, details.counterexamplePath ?? undefined),
  ];
  throw new PropertyFailure(lines.join("\n"), details.seed, details.counterexample, details.errorInstance);
}
// ANCHOR_END: check

/** Writes a PictureFailure's picture (when grading) and the line that names it. */
function pictureLines(error: unknown, ctx: PropertyContext, seed: number): string[] {
  if (!(error instanceof PictureFailure) || ctx.mode !== "grade") return [];
  const name = `${(ctx.ref ?? "level").replace(/[^\w-]+/g, "-")}-seed-${seed}.svg`;
  try {
    mkdirSync(PICTURES_DIR, { recursive: true });
    const path = join(PICTURES_DIR, name);
    writeFileSync(path, error.picture());
    return [`Picture: ${relativeToRoot(path)} (open it in a browser)`];
  } catch (e) {
    return [`(the picture of this counter-example could not be written: ${e instanceof Error ? e.message : String(e)})`];
  }
}

/** Cuts `text` to `max` characters (unless verbose), saying how much was left out. */
export function bounded(text: string, max: number, verbose = false): string {
  if (verbose || text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters; --verbose prints them all)`;
}

/** The CLI replay and the one-file test-runner replay of a failure. */
function replayLines(ctx: PropertyContext, seed: number, path: string | undefined): string[] {
  if (ctx.mode === "mutant") return [`(mutant check, seed ${seed})`];
  const ref = ctx.ref ?? "<kata/level>";
  const impl = ctx.impl !== undefined ? ` --impl ${shellQuote(ctx.impl)}` : "";
  const cli = `Replay: npm run kata -- check ${ref}${impl} --seed ${seed}`;
  const testFile = ctx.testFile ?? "test/katas/<kata>/level-<n>.test.ts";
  const longPath = path !== undefined && path.length > FC_PATH_CHARS_MAX && ctx.verbose !== true;
  const env = [
    `FC_SEED=${seed}`,
    ...(path !== undefined && path !== "" && !longPath ? [`FC_PATH=${path}`] : []),
    ...(ctx.kataImpl !== undefined ? [`KATA_IMPL=${shellQuote(ctx.kataImpl)}`] : []),
  ].join(" ");
  const only = ctx.property !== undefined ? ` -t ${shellQuote(escapeRegExp(ctx.property))}` : "";
  const lines = [cli, `    or: ${env} npx vitest run ${testFile}${only}`];
  if (longPath) lines.push(`    (FC_PATH left out: ${path.length} characters; the seed alone replays the search and the shrinking, --verbose prints it)`);
  return lines;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export interface ContextOptions {
  /** Label of the implementation under test. */
  target: string;
  ref?: string;
  testFile?: string;
  env?: NodeJS.ProcessEnv;
  impl?: string;
  kataImpl?: string;
  verbose?: boolean;
}

/**
 * The context for `npm test` and the CLI, read from the environment: FC_SEED (an integer, or
 * `random`), FC_PATH, FC_RUNS_SCALE and KATA_VERBOSE. Without FC_SEED a level runs on its
 * default seed.
 */
export function contextFromEnv(options: ContextOptions): PropertyContext {
  const env = options.env ?? process.env;
  const scale = env.FC_RUNS_SCALE !== undefined ? Number.parseFloat(env.FC_RUNS_SCALE) : 1;
  return {
    seed: seedFrom(env.FC_SEED, options.ref),
    path: env.FC_PATH !== undefined && env.FC_PATH !== "" ? env.FC_PATH : undefined,
    mode: "grade",
    runsScale: Number.isFinite(scale) && scale > 0 ? scale : 1,
    target: options.target,
    verbose: options.verbose === true || (env.KATA_VERBOSE !== undefined && env.KATA_VERBOSE !== "" && env.KATA_VERBOSE !== "0"),
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    ...(options.testFile !== undefined ? { testFile: options.testFile } : {}),
    ...(options.impl !== undefined ? { impl: options.impl } : {}),
    ...(options.kataImpl !== undefined ? { kataImpl: options.kataImpl } : {}),
  };
}

/** `random` → undefined (a fresh seed); an integer → itself; unset → the level's default seed. */
export function seedFrom(text: string | undefined, ref: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return ref !== undefined ? defaultSeed(ref) : undefined;
  if (text.trim() === "random") return undefined;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new TypeError(`FC_SEED must be an integer or "random", got "${text}"`);
  return seed | 0;
}
