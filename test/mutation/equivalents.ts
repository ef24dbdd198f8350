import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type KataInfo, REPO_ROOT } from "../../src/kata/catalog.js";

/**
 * A surviving Stryker mutant argued to be equivalent: no implementation behaviour a caller can
 * observe changes, so no property could kill it. `npm run mutate` leaves it out of the score;
 * `npm test` checks that the entry still names real code, so it goes stale loudly.
 *
 *   { "level": 1, "file": "solutions/q5-edge-jwt/level-1-verify-jws.ts",
 *     "mutator": "ConditionalExpression", "location": "31:7-31:32",
 *     "original": "parsed.header.alg !== alg", "replacement": "false",
 *     "why": "one sentence: why no caller can tell the difference" }
 *
 * `location` is Stryker's: 1-based line:column of the first character, and optionally
 * `-line:column` one past the last (as in the JSON report). `original` is the source text
 * there (the whole range, or its beginning when only a start is given).
 */
export interface EquivalentMutant {
  readonly level: number;
  readonly file: string;
  readonly mutator: string;
  readonly location: string;
  readonly original: string;
  readonly replacement: string;
  readonly why: string;
}

/** Stryker 9's mutator names (@stryker-mutator/instrumenter). */
export const STRYKER_MUTATORS = new Set([
  "ArithmeticOperator",
  "ArrayDeclaration",
  "ArrowFunction",
  "AssignmentOperator",
  "BlockStatement",
  "BooleanLiteral",
  "ConditionalExpression",
  "EqualityOperator",
  "LogicalOperator",
  "MethodExpression",
  "ObjectLiteral",
  "OptionalChaining",
  "Regex",
  "StringLiteral",
  "UnaryOperator",
  "UpdateOperator",
]);

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Location {
  readonly start: Position;
  readonly end?: Position;
}

export function equivalentsPath(kataId: string, root = REPO_ROOT): string {
  return join(root, "test", "mutants", kataId, "equivalent.json");
}

export function parseLocation(text: string): Location | undefined {
  const m = /^(\d+):(\d+)(?:-(\d+):(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const start = { line: Number(m[1]), column: Number(m[2]) };
  return m[3] === undefined ? { start } : { start, end: { line: Number(m[3]), column: Number(m[4]) } };
}

/** The entries of a kata's equivalent.json (none when the file does not exist); throws on bad JSON or shape. */
export function loadEquivalents(kataId: string, root = REPO_ROOT): EquivalentMutant[] {
  const path = equivalentsPath(kataId, root);
  if (!existsSync(path)) return [];
  const data: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(data)) throw new TypeError(`${path}: expected a JSON array of equivalent mutants`);
  return data.map((entry, i) => checkShape(entry, `${path}[${i}]`));
}

function checkShape(entry: unknown, where: string): EquivalentMutant {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new TypeError(`${where}: expected an object`);
  const record = entry as Record<string, unknown>;
  const allowed = ["level", "file", "mutator", "location", "original", "replacement", "why"];
  const unknownKeys = Object.keys(record).filter((k) => !allowed.includes(k));
  if (unknownKeys.length > 0) throw new TypeError(`${where}: unknown field(s) ${unknownKeys.join(", ")}; allowed: ${allowed.join(", ")}`);
  if (typeof record.level !== "number" || !Number.isInteger(record.level)) throw new TypeError(`${where}: "level" must be an integer`);
  for (const key of ["file", "mutator", "location", "original", "replacement", "why"]) {
    if (typeof record[key] !== "string") throw new TypeError(`${where}: "${key}" must be a string`);
  }
  return record as unknown as EquivalentMutant;
}

/**
 * What is wrong with an entry against the current code: an unknown level, a file the level
 * does not mutate, an unknown mutator, a location outside the file, or source text at the
 * location that is not `original`. Empty when the entry is sound.
 */
export function problemsOf(entry: EquivalentMutant, kata: KataInfo, mutatedFiles: (level: number) => readonly string[], root = REPO_ROOT): string[] {
  const problems: string[] = [];
  if (!kata.levels.some((l) => l.level === entry.level)) return [`${kata.id} has no level ${entry.level}`];
  if (!mutatedFiles(entry.level).includes(entry.file)) problems.push(`${entry.file} is not mutated for level ${entry.level} (the solution or a kata.json "mutate" entry)`);
  if (!STRYKER_MUTATORS.has(entry.mutator)) problems.push(`unknown mutator "${entry.mutator}"`);
  if (entry.why.trim().length < 20) problems.push(`"why" must argue the equivalence in a sentence`);
  if (entry.replacement === entry.original) problems.push(`"replacement" equals "original": that is no mutant`);
  const location = parseLocation(entry.location);
  if (!location) return [...problems, `location "${entry.location}" is not line:column or line:column-line:column`];
  const path = join(root, entry.file);
  if (!existsSync(path)) return [...problems, `${entry.file} does not exist`];
  const text = readFileSync(path, "utf8");
  const start = offsetOf(text, location.start);
  if (start === undefined) return [...problems, `${entry.location} is outside ${entry.file}`];
  if (location.end !== undefined) {
    const end = offsetOf(text, location.end);
    if (end === undefined || end < start) return [...problems, `${entry.location} is outside ${entry.file}`];
    const actual = text.slice(start, end);
    if (actual !== entry.original) problems.push(`${entry.file}:${entry.location} reads ${JSON.stringify(actual)}, not ${JSON.stringify(entry.original)}: the code changed`);
  } else if (!text.startsWith(entry.original, start) || entry.original === "") {
    problems.push(`${entry.file}:${entry.location} does not start with ${JSON.stringify(entry.original)}: the code changed`);
  }
  return problems;
}

/** Character offset of a 1-based line:column (a column may be one past the line's end). */
function offsetOf(text: string, at: Position): number | undefined {
  const lines = text.split("\n");
  if (at.line < 1 || at.line > lines.length || at.column < 1) return undefined;
  if (at.column > lines[at.line - 1]!.length + 1) return undefined;
  let offset = 0;
  for (let i = 0; i < at.line - 1; i++) offset += lines[i]!.length + 1;
  return offset + at.column - 1;
}

/** A mutant as Stryker's JSON report describes it. */
export interface ReportedMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly location: { readonly start: Position; readonly end: Position };
}

const squash = (code: string): string => code.replace(/\s+/g, " ").trim();

/** True when `entry` describes `mutant` in `file` (replacement compared ignoring whitespace). */
export function describesMutant(entry: EquivalentMutant, file: string, mutant: ReportedMutant): boolean {
  const location = parseLocation(entry.location);
  if (!location || entry.file !== file || entry.mutator !== mutant.mutatorName) return false;
  const same = (a: Position, b: Position): boolean => a.line === b.line && a.column === b.column;
  if (!same(location.start, mutant.location.start)) return false;
  if (location.end !== undefined && !same(location.end, mutant.location.end)) return false;
  return squash(entry.replacement) === squash(mutant.replacement ?? "");
}
