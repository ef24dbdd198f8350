import { type FSWatcher, watch } from "chokidar";

/** Quiet time after the last file event before a rebuild: an editor's save is several events. */
export const WATCH_DEBOUNCE_MS = 40;

/**
 * Watches a changing set of files (a bundle's inputs) and folders, and calls `onChange` once
 * per burst of events with the paths that changed. `update` replaces the set after each build,
 * so a file the code starts importing is watched from then on and one it stops importing is
 * let go.
 */
export class FileWatcher {
  readonly #watcher: FSWatcher;
  readonly #onChange: (paths: string[]) => void;
  #watched = new Set<string>();
  #pending = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #ready: Promise<void>;

  constructor(onChange: (paths: string[]) => void) {
    this.#onChange = onChange;
    // Inside a watched folder, skip node_modules and hidden folders (.git, .edge-data...); a file
    // in them that the bundle imports is watched by its own path.
    this.#watcher = watch([], { ignoreInitial: true, ignored: (path: string) => /[\\/](node_modules|\.[^\\/]+)$/.test(path) && !this.#watched.has(path) });
    this.#ready = new Promise((resolve) => this.#watcher.once("ready", () => resolve()));
    for (const event of ["add", "change", "unlink"] as const) this.#watcher.on(event, (path: string) => this.#event(path));
  }

  /** Watches exactly `paths` (files or folders) from now on. */
  update(paths: readonly string[]): void {
    const next = new Set(paths);
    const gone = [...this.#watched].filter((p) => !next.has(p));
    const added = [...next].filter((p) => !this.#watched.has(p));
    this.#watched = next;
    if (gone.length > 0) this.#watcher.unwatch(gone);
    if (added.length > 0) this.#watcher.add(added);
  }

  /** Settles when the first set of paths is being watched. */
  ready(): Promise<void> {
    return this.#ready;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#watcher.close();
  }

  #event(path: string): void {
    this.#pending.add(path);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const paths = [...this.#pending];
      this.#pending.clear();
      this.#onChange(paths);
    }, WATCH_DEBOUNCE_MS);
  }
}
