/**
 * The figures block of an ANSWER.md: the table between `<!-- figures:begin -->` and
 * `<!-- figures:end -->`, produced by the kata's `figures.ts` so the model answer quotes
 * figures measured on this platform and never typed by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withSources } from "../../src/facts/markdown.js";

const BEGIN = "<!-- figures:begin -->";
const END = "<!-- figures:end -->";

function markers(answer: string): [number, number] {
  const a = answer.indexOf(BEGIN);
  const b = answer.indexOf(END);
  if (a < 0 || b < a) throw new Error(`ANSWER.md must contain ${BEGIN} … ${END}`);
  return [a, b];
}

/** The answer with its figures block replaced by `table`. */
export function withFigures(answer: string, table: string): string {
  const [a, b] = markers(answer);
  return `${answer.slice(0, a + BEGIN.length)}\n${table.trim()}\n${answer.slice(b)}`;
}

/** The current figures block, trimmed. */
export function figuresBlock(answer: string): string {
  const [a, b] = markers(answer);
  return answer.slice(a + BEGIN.length, b).trim();
}

/** Rewrites `ANSWER.md` next to the figures script with a fresh table and Sources block. */
export async function writeAnswerFigures(figuresScriptUrl: string, figures: () => Promise<string>): Promise<string> {
  const path = join(dirname(fileURLToPath(figuresScriptUrl)), "ANSWER.md");
  writeFileSync(path, withSources(withFigures(readFileSync(path, "utf8"), await figures())));
  return path;
}

/**
 * Regenerates the Sources block (between `<!-- sources:begin -->` and `<!-- sources:end -->`)
 * of a markdown file from the facts registry; returns whether the file changed.
 */
export function writeSources(path: string): boolean {
  const before = readFileSync(path, "utf8");
  const after = withSources(before);
  if (after !== before) writeFileSync(path, after);
  return after !== before;
}

/**
 * The command line of every figures script: prints the table, or with `--write` rewrites
 * the block in ANSWER.md. Does nothing when the script is imported rather than run.
 */
export async function figuresMain(figuresScriptUrl: string, figures: () => Promise<string>): Promise<void> {
  if (process.argv[1] === undefined || fileURLToPath(figuresScriptUrl) !== process.argv[1]) return;
  if (process.argv.includes("--write")) console.log(`wrote the figures block of ${await writeAnswerFigures(figuresScriptUrl, figures)}`);
  else console.log(await figures());
}
