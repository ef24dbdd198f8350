import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { watch } from "chokidar";
import { type KataInfo, type LevelInfo, REPO_ROOT, relativeToRoot } from "./catalog.js";
import { dim } from "./ui.js";

/** Quiet time after the last save before grading, so an editor's burst of writes grades once. */
export const WATCH_DEBOUNCE_MS = 150;

export interface WatchOptions {
  readonly catalog: readonly KataInfo[];
  /** The CLI script, run in a fresh process for every grade. */
  readonly cli: string;
  readonly root?: string;
}

/**
 * `npm run kata -- watch`: grades the current level (the first one not done) at once, then
 * re-grades a level each time its file is saved. chokidar watches the katas/ folder rather
 * than each file, so a save that replaces the file by a rename (sed -i, Vim's default,
 * JetBrains' safe write) is seen like any other: the file's identity changes, the folder's
 * does not. Each grade runs in a fresh process, so edits to anything the file imports count.
 */
export async function watchKatas(options: WatchOptions): Promise<void> {
  const root = options.root ?? REPO_ROOT;
  const byPath = new Map(options.catalog.flatMap((k) => k.levels.map((l) => [resolve(l.stubPath), l] as const)));
  let running = false;
  let pending: LevelInfo | "next" | undefined;
  let timer: NodeJS.Timeout | undefined;

  const grade = (target: LevelInfo | "next"): void => {
    if (running) {
      pending = target;
      return;
    }
    running = true;
    const args = target === "next" ? ["check"] : ["check", target.ref];
    const child = spawn(process.execPath, [...process.execArgv, options.cli, ...args], { cwd: root, stdio: "inherit" });
    child.on("close", () => {
      running = false;
      console.log(dim(`\nWatching ${relativeToRoot(join(root, "katas"), root)}/ — save a level file to grade it again. Ctrl-C stops.`));
      const next = pending;
      pending = undefined;
      if (next !== undefined) grade(next);
    });
  };

  const watcher = watch(join(root, "katas"), { ignoreInitial: true, atomic: true });
  watcher.on("all", (event, path) => {
    if (event !== "add" && event !== "change") return;
    const level = byPath.get(resolve(path));
    if (!level) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (process.stdout.isTTY) console.clear();
      console.log(dim(`${relativeToRoot(level.stubPath, root)} saved`));
      grade(level);
    }, WATCH_DEBOUNCE_MS);
  });
  await new Promise<void>((ready, fail) => {
    watcher.once("ready", ready);
    watcher.once("error", fail);
  });
  grade("next");
}
