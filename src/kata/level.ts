import type { PropertyContext } from "./property.js";

/** One property of a level: it throws (with a counter-example) when the implementation is wrong. */
export interface PropertySpec<Impl> {
  /** Reads as behaviour: "admits at most `limit` in every aligned window". */
  readonly name: string;
  run(impl: Impl, ctx: PropertyContext): void | Promise<void>;
}

/**
 * The grading suite of one kata level. It takes the implementation under test as input, so
 * the same suite grades the learner's file, the reference solution and every mutant (a
 * contract suite, in hono's style). Suite files must not import vitest: the CLI runs them
 * directly.
 */
export interface LevelSuite<Impl> {
  /** Kata folder name, e.g. "q1-rate-limiter". */
  readonly kata: string;
  readonly level: number;
  /** Picks the implementation from the module's exports; throws a TypeError naming what is missing. */
  load(moduleExports: Record<string, unknown>): Impl;
  /**
   * Exercises the implementation once, cheaply. A stub throws NotImplemented here, which
   * makes the level "todo".
   */
  probe(impl: Impl): unknown;
  readonly properties: ReadonlyArray<PropertySpec<Impl>>;
  /** Per-property time budget. @defaultValue 60_000 */
  readonly timeoutMs?: number;
}

export function defineLevel<Impl>(suite: LevelSuite<Impl>): LevelSuite<Impl> {
  if (suite.properties.length === 0) throw new TypeError(`${suite.kata}/${suite.level}: a level needs properties`);
  return suite;
}

/** Helper for `load`: the named export, or a TypeError that tells the learner what to export. */
export function requireExport<T>(moduleExports: Record<string, unknown>, name: string, kind: "function" | "class" = "function"): T {
  const value = moduleExports[name];
  if (typeof value !== "function") {
    throw new TypeError(`expected the module to export ${kind} \`${name}\`; found ${typeof value}`);
  }
  return value as T;
}
