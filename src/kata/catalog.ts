import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in src/kata/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface LevelInfo {
  /** Kata folder, e.g. "q1-rate-limiter". */
  readonly kata: string;
  /** Short reference used by the CLI, e.g. "q1/2". */
  readonly ref: string;
  readonly level: number;
  readonly title: string;
  /** File name shared by the stub and the solution. */
  readonly file: string;
  readonly optional: boolean;
  readonly stubPath: string;
  readonly solutionPath: string;
  readonly suitePath: string;
  /** The vitest file that registers the suite: `test/katas/<kata>/level-<N>.test.ts`. */
  readonly testPath: string;
  readonly mutantsDir: string;
  /**
   * Platform code the reference solution delegates the learner's logic to, mutated with the
   * solution by `npm run mutate` (kata.json `mutate`: `path` or `path#exportedName`).
   */
  readonly mutateExtra: readonly string[];
}

export interface KataInfo {
  readonly id: string;
  /** "q1" for "q1-rate-limiter". */
  readonly short: string;
  readonly title: string;
  readonly question: string;
  readonly readmePath: string;
  readonly levels: readonly LevelInfo[];
}

interface KataManifest {
  id: string;
  title: string;
  question: string;
  levels: Array<{ level: number; title: string; file: string; optional?: boolean; mutate?: string[] }>;
}

/** Every kata found under katas/ (each folder with a kata.json), in folder order. */
export function loadCatalog(root = REPO_ROOT): KataInfo[] {
  const katasDir = join(root, "katas");
  if (!existsSync(katasDir)) return [];
  return readdirSync(katasDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(katasDir, d.name, "kata.json")))
    .map((d) => d.name)
    .sort()
    .map((id) => readKata(root, id));
}

function readKata(root: string, id: string): KataInfo {
  const manifestPath = join(root, "katas", id, "kata.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as KataManifest;
  if (manifest.id !== id) throw new Error(`${manifestPath}: id "${manifest.id}" must equal its folder name "${id}"`);
  const short = id.split("-")[0] ?? id;
  return {
    id,
    short,
    title: manifest.title,
    question: manifest.question,
    readmePath: join(root, "katas", id, "README.md"),
    levels: manifest.levels.map((l) => ({
      kata: id,
      ref: `${short}/${l.level}`,
      level: l.level,
      title: l.title,
      file: l.file,
      optional: l.optional === true,
      stubPath: join(root, "katas", id, l.file),
      solutionPath: join(root, "solutions", id, l.file),
      suitePath: join(root, "test", "katas", id, `level-${l.level}.suite.ts`),
      testPath: join(root, "test", "katas", id, `level-${l.level}.test.ts`),
      mutantsDir: join(root, "test", "mutants", id),
      mutateExtra: l.mutate ?? [],
    })),
  };
}

/** Finds a level by "q1/2", "q1-rate-limiter/2" or "q1-rate-limiter/level-2". */
export function findLevel(ref: string, catalog = loadCatalog()): LevelInfo {
  const match = /^([a-z0-9-]+)\/(?:level-)?(\d+)$/.exec(ref.trim());
  if (!match) throw new Error(`"${ref}" is not a level reference; use the form q1/2 (kata/level)`);
  const [, kataRef = "", levelText] = match;
  const kata = findKata(kataRef, catalog);
  const level = kata.levels.find((l) => l.level === Number(levelText));
  if (!level) throw new Error(`${kata.id} has no level ${levelText}; it has ${kata.levels.map((l) => l.level).join(", ")}`);
  return level;
}

/** Finds a kata by "q1" or "q1-rate-limiter". */
export function findKata(ref: string, catalog = loadCatalog()): KataInfo {
  const name = ref.trim();
  const kata = catalog.find((k) => k.id === name || k.short === name);
  if (!kata) throw new Error(`no kata "${name}"; known: ${catalog.map((k) => k.short).join(", ")}`);
  return kata;
}

/** Mutant files of one level: test/mutants/<kata>/level-<N>-<mistake>.ts */
export function mutantsOf(level: LevelInfo): string[] {
  if (!existsSync(level.mutantsDir)) return [];
  const prefix = `level-${level.level}-`;
  return readdirSync(level.mutantsDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".ts"))
    .sort()
    .map((f) => join(level.mutantsDir, f));
}

/** The one-line description a mutant file gives of its mistake (`// Mutant: …`). */
export function mutantDescription(path: string): string {
  const text = readFileSync(path, "utf8");
  const m = /^\s*\/\/\s*Mutant:\s*(.+)$/m.exec(text);
  return m?.[1]?.trim() ?? "(no description: add a `// Mutant: …` line)";
}

export function relativeToRoot(path: string, root = REPO_ROOT): string {
  return relative(root, path);
}
