import fc from "fast-check";

/** How the harness wants a property run: replaying a seed, or grading a mutant on a fixed seed. */
export interface PropertyContext {
  /** Fixed seed (from FC_SEED, `--seed`, or the mutant check); undefined means a fresh random one. */
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

export interface CheckParams {
  /** Runs for this property at scale 1. @defaultValue 100 */
  numRuns?: number;
  /** Per-run budget; see fast-check `interruptAfterTimeLimit`. */
  timeoutMs?: number;
  examples?: unknown[];
}

// ANCHOR: check
/**
 * Runs a fast-check property and, on failure, throws a PropertyFailure whose message has the
 * shrunk counter-example, the seed and the exact command that replays it.
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
  const report = (fc.defaultReportMessage(details) ?? "property failed").replace(/\n*Hint: Enable verbose mode[^\n]*/, "");
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const why = report.includes(cause) ? "" : `\nWhy: ${cause}`;
  const replay =
    ctx.mode === "mutant"
      ? `(mutant check, fixed seed ${details.seed})`
      : `Replay: npm run kata -- check ${ctx.ref ?? "<kata/level>"} --seed ${details.seed}   ` +
        `(in the test runner: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ""} npm test)`;
  throw new PropertyFailure(`${ctx.target}\n${report}${why}\n${replay}`, details.seed, details.counterexample, details.errorInstance);
}
// ANCHOR_END: check

/** The context for `npm test` and the CLI, read from the environment. */
export function contextFromEnv(target: string, env: NodeJS.ProcessEnv = process.env, ref?: string): PropertyContext {
  const seed = env.FC_SEED !== undefined && env.FC_SEED !== "" ? Number.parseInt(env.FC_SEED, 10) : undefined;
  const scale = env.FC_RUNS_SCALE !== undefined ? Number.parseFloat(env.FC_RUNS_SCALE) : 1;
  return {
    seed: seed !== undefined && Number.isFinite(seed) ? seed : undefined,
    path: env.FC_PATH !== undefined && env.FC_PATH !== "" ? env.FC_PATH : undefined,
    mode: "grade",
    runsScale: Number.isFinite(scale) && scale > 0 ? scale : 1,
    target,
    ...(ref !== undefined ? { ref } : {}),
  };
}
