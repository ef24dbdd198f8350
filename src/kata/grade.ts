import { pathToFileURL } from "node:url";
import type { LevelSuite } from "./level.js";
import { isNotImplemented } from "./not-implemented.js";
import type { PropertyContext } from "./property.js";

export type Loaded<Impl> =
  | { kind: "ready"; impl: Impl }
  | { kind: "todo" }
  | { kind: "broken"; error: unknown };

/** Imports an implementation file and probes it: a stub is "todo", a load error is "broken". */
export async function loadImplementation<Impl>(suite: LevelSuite<Impl>, path: string, fresh = false): Promise<Loaded<Impl>> {
  let impl: Impl;
  try {
    const url = pathToFileURL(path).href + (fresh ? `?t=${process.hrtime.bigint()}` : "");
    const moduleExports = (await import(url)) as Record<string, unknown>;
    impl = suite.load(moduleExports);
  } catch (error) {
    return isNotImplemented(error) ? { kind: "todo" } : { kind: "broken", error };
  }
  try {
    await suite.probe(impl);
  } catch (error) {
    if (isNotImplemented(error)) return { kind: "todo" };
    // A probe that throws something else is a real answer with a bug: the properties say which.
  }
  return { kind: "ready", impl };
}

export interface PropertyOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: unknown;
  readonly ms: number;
}

/**
 * Runs the properties in order, each told its own name (for its replay line); with
 * `stopAtFirstFailure`, stops at the first one that fails.
 */
export async function runProperties<Impl>(
  suite: LevelSuite<Impl>,
  impl: Impl,
  ctx: PropertyContext,
  options: { stopAtFirstFailure?: boolean } = {},
): Promise<PropertyOutcome[]> {
  const outcomes: PropertyOutcome[] = [];
  for (const property of suite.properties) {
    const started = performance.now();
    try {
      await property.run(impl, { ...ctx, property: property.name });
      outcomes.push({ name: property.name, ok: true, ms: performance.now() - started });
    } catch (error) {
      outcomes.push({ name: property.name, ok: false, error, ms: performance.now() - started });
      if (options.stopAtFirstFailure) break;
    }
  }
  return outcomes;
}

/** Imports a suite module (`test/katas/<kata>/level-N.suite.ts`, which exports `suite`). */
export async function importSuite(path: string): Promise<LevelSuite<unknown>> {
  const moduleExports = (await import(pathToFileURL(path).href)) as { suite?: LevelSuite<unknown> };
  if (moduleExports.suite === undefined) throw new Error(`${path} must export \`suite\` (made with defineLevel)`);
  return moduleExports.suite;
}
