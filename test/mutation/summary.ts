import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalog, REPO_ROOT } from "../../src/kata/catalog.js";
import { describesMutant, type EquivalentMutant, type Position, type ReportedMutant } from "./equivalents.js";

/**
 * The committed result of the latest `npm run mutate` of each level of a kata: scores and every
 * surviving mutant. One file per kata, so people sharpening different katas do not collide.
 */
export function kataSummaryPath(kataId: string, root = REPO_ROOT): string {
  return join(root, "test", "mutants", kataId, "mutation-score.json");
}
/** The first full run, before the suites were sharpened: the "before" column. */
export const BASELINE_PATH = join(REPO_ROOT, "test", "mutants", "mutation-baseline.json");

/** A mutant no property killed, as other helpers need it to write a property that does. */
export interface Survivor {
  readonly file: string;
  readonly mutator: string;
  /** Stryker's location: `line:column-line:column`, 1-based, end exclusive. */
  readonly location: string;
  readonly original: string;
  readonly replacement: string;
  /** "Survived" (a property ran and passed) or "NoCoverage" (no property reached the code). */
  readonly status: "Survived" | "NoCoverage";
}

export interface LevelResult {
  readonly ref: string;
  readonly kata: string;
  readonly level: number;
  /** The solution and the kata.json `mutate` entries. */
  readonly targets: readonly string[];
  /** Every mutant Stryker generated. */
  readonly mutants: number;
  /** Mutants that do not type-check (left out of the score, as Stryker does). */
  readonly compileErrors: number;
  /** Mutants that crashed the runner or were ignored (left out of the score). */
  readonly otherErrors: number;
  /** Killed by a property, including timeouts (an infinite loop is caught). */
  readonly killed: number;
  readonly timeouts: number;
  /** Survived or not covered, after the equivalents are taken out. */
  readonly survived: number;
  readonly equivalent: number;
  /** killed / (killed + survived), in percent. */
  readonly score: number;
  readonly seconds: number;
  readonly date: string;
  readonly survivors: readonly Survivor[];
}

export interface Summary {
  readonly stryker: string;
  readonly node: string;
  readonly levels: LevelResult[];
}

interface ReportFile {
  readonly source: string;
  readonly mutants: ReadonlyArray<ReportedMutant & { readonly status: string }>;
}

export interface StrykerReport {
  readonly files: Readonly<Record<string, ReportFile>>;
}

/** The source text of a mutant's location. */
function originalText(source: string, start: Position, end: Position): string {
  const lines = source.split("\n");
  if (start.line === end.line) return lines[start.line - 1]?.slice(start.column - 1, end.column - 1) ?? "";
  const first = lines[start.line - 1]?.slice(start.column - 1) ?? "";
  const middle = lines.slice(start.line, end.line - 1);
  const last = lines[end.line - 1]?.slice(0, end.column - 1) ?? "";
  return [first, ...middle, last].join("\n");
}

const location = (m: ReportedMutant): string => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`;

/** Scores one level's Stryker report, discounting the argued equivalents. */
export function scoreReport(
  report: StrykerReport,
  level: { ref: string; kata: string; level: number; targets: readonly string[] },
  equivalents: readonly EquivalentMutant[],
  seconds: number,
): LevelResult {
  let mutants = 0;
  let compileErrors = 0;
  let otherErrors = 0;
  let killed = 0;
  let timeouts = 0;
  let equivalent = 0;
  const survivors: Survivor[] = [];
  for (const [file, entry] of Object.entries(report.files)) {
    for (const m of entry.mutants) {
      mutants++;
      if (m.status === "Killed" || m.status === "Timeout") {
        killed++;
        if (m.status === "Timeout") timeouts++;
      } else if (m.status === "CompileError") compileErrors++;
      else if (m.status === "Survived" || m.status === "NoCoverage") {
        if (equivalents.some((e) => e.level === level.level && describesMutant(e, file, m))) equivalent++;
        else {
          const original = originalText(entry.source, m.location.start, m.location.end);
          survivors.push({ file, mutator: m.mutatorName, location: location(m), original, replacement: m.replacement ?? "", status: m.status });
        }
      } else otherErrors++;
    }
  }
  const scored = killed + survivors.length;
  return {
    ...level,
    mutants,
    compileErrors,
    otherErrors,
    killed,
    timeouts,
    survived: survivors.length,
    equivalent,
    score: percent(killed, scored),
    seconds: Math.round(seconds),
    date: new Date().toISOString().slice(0, 10),
    survivors,
  };
}

function readJson(path: string): Summary | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Summary) : undefined;
}

/** The baseline, or (without a path) every kata's latest scores in catalog order. */
/** killed / scored in percent, rounded down to 0.1 so 89.97% never shows as 90.0%. */
export function percent(killed: number, scored: number): number {
  return scored === 0 ? 100 : Math.floor((killed / scored) * 1000) / 10;
}

export function readSummary(path?: string): Summary | undefined {
  if (path !== undefined) return readJson(path);
  const parts = loadCatalog().map((k) => readJson(kataSummaryPath(k.id))).filter((s): s is Summary => s !== undefined);
  if (parts.length === 0) return undefined;
  return { stryker: parts[0]!.stryker, node: parts[0]!.node, levels: parts.flatMap((p) => p.levels) };
}

/** Merges the levels just run into their katas' files, keeping the other levels' rows. */
export function writeKataSummaries(results: readonly LevelResult[], stryker: string, root = REPO_ROOT): void {
  for (const kata of loadCatalog(root)) {
    const fresh = results.filter((r) => r.kata === kata.id);
    if (fresh.length === 0) continue;
    const path = kataSummaryPath(kata.id, root);
    const byRef = new Map((readJson(path)?.levels ?? []).map((l) => [l.ref, l]));
    for (const r of fresh) byRef.set(r.ref, r);
    const order = kata.levels.map((l) => l.ref);
    const levels = [...byRef.values()].filter((l) => order.includes(l.ref)).sort((a, b) => order.indexOf(a.ref) - order.indexOf(b.ref));
    writeFileSync(path, `${JSON.stringify({ stryker, node: process.version, levels } satisfies Summary, null, 2)}\n`);
  }
}

/** The per-level table (markdown), with the baseline's score beside each level when known. */
export function summaryTable(summary: Summary, baseline?: Summary): string {
  const before = new Map((baseline?.levels ?? []).map((l) => [l.ref, l]));
  const rows = summary.levels.map((l) => {
    const b = before.get(l.ref);
    const was = b === undefined ? "–" : `${b.score.toFixed(1)}%`;
    return `| ${l.ref} | ${l.killed} / ${l.killed + l.survived} | ${l.survived} | ${l.equivalent} | ${l.compileErrors} | **${l.score.toFixed(1)}%** | ${was} | ${l.seconds} s |`;
  });
  const killed = summary.levels.reduce((n, l) => n + l.killed, 0);
  const scored = summary.levels.reduce((n, l) => n + l.killed + l.survived, 0);
  const seconds = summary.levels.reduce((n, l) => n + l.seconds, 0);
  return [
    "| level | killed / scored | survived | equivalent | don't type-check | score | before | time |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    `| all | ${killed} / ${scored} | ${scored - killed} | ${summary.levels.reduce((n, l) => n + l.equivalent, 0)} | ${summary.levels.reduce((n, l) => n + l.compileErrors, 0)} | **${percent(killed, scored).toFixed(1)}%** | | ${seconds} s |`,
  ].join("\n");
}
