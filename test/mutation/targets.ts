import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { type LevelInfo, REPO_ROOT, relativeToRoot } from "../../src/kata/catalog.js";

/** One piece of code `npm run mutate` mutates for a level. */
export interface MutateTarget {
  /** As declared: the solution's path, or a kata.json `mutate` entry (`path` or `path#name`). */
  readonly spec: string;
  /** Path relative to the repository root. */
  readonly file: string;
  /** 1-based inclusive line range when the spec names a declaration; the whole file otherwise. */
  readonly lines?: { readonly start: number; readonly end: number };
}

/**
 * What Stryker mutates for a level: the reference solution, plus the platform code it
 * delegates the learner's logic to (kata.json `mutate`). A `path#name` entry selects one
 * top-level declaration (function, class or const) by name, so the range follows the code
 * when lines move; a missing file or name is an error, never a silent "nothing to mutate".
 */
export function mutateTargets(level: LevelInfo, root = REPO_ROOT): MutateTarget[] {
  const solution: MutateTarget = { spec: relativeToRoot(level.solutionPath, root), file: relativeToRoot(level.solutionPath, root) };
  return [solution, ...level.mutateExtra.map((spec) => resolveSpec(spec, root, level.ref))];
}

function resolveSpec(spec: string, root: string, ref: string): MutateTarget {
  const [file = "", name] = spec.split("#");
  const path = join(root, file);
  if (!existsSync(path)) throw new Error(`${ref}: kata.json mutate entry "${spec}": ${file} does not exist`);
  if (name === undefined) return { spec, file };
  const lines = declarationLines(readFileSync(path, "utf8"), file, name);
  if (lines === undefined) throw new Error(`${ref}: kata.json mutate entry "${spec}": ${file} has no top-level declaration named ${name}`);
  return { spec, file, lines };
}

/** The lines of the top-level function, class or variable statement that declares `name`. */
export function declarationLines(text: string, fileName: string, name: string): { start: number; end: number } | undefined {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    const declares =
      ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name) ||
      (ts.isVariableStatement(statement) && statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
    if (!declares) continue;
    const start = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
    const end = source.getLineAndCharacterOfPosition(statement.getEnd()).line + 1;
    return { start, end };
  }
  return undefined;
}

/** Stryker's `mutate` patterns: `file` or `file:start-end` (a mutation range). */
export function strykerPatterns(targets: readonly MutateTarget[]): string[] {
  return targets.map((t) => (t.lines ? `${t.file}:${t.lines.start}-${t.lines.end}` : t.file));
}

/** True when a mutant at `line` of `file` lies in one of the targets (for reading reports). */
export function inTargets(targets: readonly MutateTarget[], file: string, line: number): boolean {
  return targets.some((t) => t.file === file && (t.lines === undefined || (line >= t.lines.start && line <= t.lines.end)));
}
