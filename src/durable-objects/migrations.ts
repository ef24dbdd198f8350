import { ConfigError } from "../core/errors.js";

/** One `[[migrations]]` entry of wrangler.toml. */
export interface MigrationStep {
  tag: string;
  newClasses: readonly string[];
  newSqliteClasses: readonly string[];
  renamedClasses: ReadonlyArray<{ from: string; to: string }>;
  deletedClasses: readonly string[];
}

export type StorageBackend = "sqlite" | "kv";

export interface MigrationPlan {
  /** Every live class and its storage backend, fixed when the class was created. */
  readonly classes: ReadonlyMap<string, StorageBackend>;
  readonly tags: readonly string[];
}

function bad(message: string): ConfigError {
  return new ConfigError("DO_MIGRATION_INVALID", `[[migrations]]: ${message}`);
}

/**
 * Applies Durable Object migrations in order, as Cloudflare does on deploy: `new_classes`
 * creates key-value-backed classes, `new_sqlite_classes` SQLite-backed ones, `renamed_classes`
 * moves a class (and its objects) to a new name, `deleted_classes` removes one. Tags already
 * applied (remembered by the server across restarts) must come first and in the same order, so
 * an edited history is refused instead of silently re-run.
 */
export function planMigrations(steps: readonly MigrationStep[], appliedTags: readonly string[]): MigrationPlan {
  const tags = steps.map((s) => s.tag);
  if (new Set(tags).size !== tags.length) throw bad(`tags must be unique, got ${tags.join(", ")}`);
  appliedTags.forEach((tag, i) => {
    if (tags[i] !== tag) throw bad(`migration "${tag}" was applied before as step ${i + 1}, but the configuration has ${tags[i] === undefined ? "fewer steps" : `"${tags[i]}" there`}`);
  });
  const classes = new Map<string, StorageBackend>();
  const create = (name: string, backend: StorageBackend, tag: string): void => {
    if (classes.has(name)) throw bad(`${tag}: class ${name} already exists`);
    classes.set(name, backend);
  };
  for (const step of steps) {
    for (const name of step.newClasses) create(name, "kv", step.tag);
    for (const name of step.newSqliteClasses) create(name, "sqlite", step.tag);
    for (const { from, to } of step.renamedClasses) {
      const backend = classes.get(from);
      if (backend === undefined) throw bad(`${step.tag}: cannot rename ${from}, which does not exist`);
      classes.delete(from);
      create(to, backend, step.tag);
    }
    for (const name of step.deletedClasses) {
      if (!classes.delete(name)) throw bad(`${step.tag}: cannot delete ${name}, which does not exist`);
    }
  }
  return { classes, tags };
}

/**
 * The backend of a bound class. A configuration with no migrations at all keeps the platform's
 * old behaviour (key-value backend); otherwise the class must have been created by one.
 */
export function backendOf(plan: MigrationPlan, className: string): StorageBackend {
  if (plan.tags.length === 0) return "kv";
  const backend = plan.classes.get(className);
  if (backend === undefined) throw bad(`class ${className} is bound but no migration creates it (add it to new_sqlite_classes)`);
  return backend;
}
