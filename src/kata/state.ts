import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./catalog.js";

export type LevelStatus = "todo" | "failing" | "done";

interface LevelRecord {
  hintsShown: number;
  /** Result of the last check, valid while the file's content hash is unchanged. */
  lastCheck?: { status: LevelStatus; contentHash: string; firstFailure?: string };
}

interface StateFile {
  version: 1;
  levels: Record<string, LevelRecord>;
}

/** The learner's progress, kept in a small JSON file at the repo root (git-ignored). */
export class KataState {
  readonly path: string;
  #data: StateFile;

  constructor(path = join(REPO_ROOT, ".kata-state.json")) {
    this.path = path;
    this.#data = existsSync(path) ? parseState(readFileSync(path, "utf8")) : { version: 1, levels: {} };
  }

  record(ref: string): LevelRecord {
    const existing = this.#data.levels[ref];
    if (existing) return existing;
    const created: LevelRecord = { hintsShown: 0 };
    this.#data.levels[ref] = created;
    return created;
  }

  save(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#data, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}

function parseState(text: string): StateFile {
  try {
    const parsed = JSON.parse(text) as Partial<StateFile>;
    if (parsed.version === 1 && typeof parsed.levels === "object" && parsed.levels !== null) return parsed as StateFile;
  } catch {
    // A corrupt state file only loses hint counters and cached results: start again.
  }
  return { version: 1, levels: {} };
}

export function contentHash(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16);
}
