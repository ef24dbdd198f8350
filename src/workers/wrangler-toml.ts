import { type TomlPath, type TomlTable, type TomlValue, TomlDocument, isTable } from "./toml-document.js";
import { IGNORED_KEYS, INHERITABLE_KEYS, SUPPORTED_KEYS, UNSUPPORTED_KEYS } from "./wrangler-keys.js";

/** A module rule (wrangler's `[[rules]]`): imports matching `globs` become modules of `type`. */
export type ModuleRuleType = "ESModule" | "CommonJS" | "CompiledWasm" | "Text" | "Data";
export interface ModuleRule {
  type: ModuleRuleType;
  globs: string[];
  /** Let later rules of the same type apply too. @defaultValue false */
  fallthrough?: boolean;
}

/**
 * One `[[migrations]]` entry, parsed only: what it means for stored objects is the Durable
 * Objects runtime's business (Cloudflare "Durable Objects migrations").
 */
export interface DurableObjectMigration {
  tag: string;
  newClasses: string[];
  newSqliteClasses: string[];
  renamedClasses: Array<{ from: string; to: string }>;
  deletedClasses: string[];
}

/** `[build]`: a command wrangler runs before bundling (Cloudflare "Custom builds"). */
export interface CustomBuild {
  command: string;
  /** Where the command runs, relative to the config file. @defaultValue the config's folder */
  cwd?: string;
  /** Folders whose changes re-run the command under `--watch`. @defaultValue ["src"] */
  watchDir: string[];
}

/** The part of wrangler.toml this platform understands (Cloudflare "Configuration - Wrangler"). */
export interface WranglerConfig {
  name: string;
  main?: string;
  compatibilityDate?: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  kvNamespaces: Array<{ binding: string; id: string }>;
  durableObjects: Array<{ name: string; className: string }>;
  crons: string[];
  cpuMsMax?: number;
  rules: ModuleRule[];
  build?: CustomBuild;
  migrations: DurableObjectMigration[];
  /** esbuild `define`: identifiers replaced at build time. */
  define: Record<string, string>;
  minify: boolean;
  jsxFactory?: string;
  jsxFragment?: string;
  tsconfig?: string;
  /** `[origin] url`: this platform's proxy mode, the app behind the edge. */
  originUrl?: string;
  /** The `[env.<name>]` section that was applied (`--env`), if any. */
  env?: string;
  /** `[waf]`: this platform's managed-rules settings (`--crs` and `--paranoia` override them). */
  waf?: WafSettings;
  /** `[routing] smart = true`: the origin leg follows the fastest measured backbone path. */
  smartRouting?: boolean;
}

/**
 * `[waf]`: `crs = "auto" | "off" | "DIR"` (Debian's modsecurity-crs package when installed,
 * the built-in rules, or a CRS directory relative to the config file), `paranoia_level = 1..4`
 * and `inbound_anomaly_score_threshold` (CRS's name; > 0).
 */
export interface WafSettings {
  crs?: string;
  paranoiaLevel?: number;
  inboundThreshold?: number;
}

export interface WranglerToml {
  config: WranglerConfig;
  /** Keys wrangler would warn about, and keys this platform does not act on, each with its line. */
  warnings: string[];
}

/** A config with nothing but a name, for sites that are not read from a file. */
export function wranglerDefaults(name: string): WranglerConfig {
  return { name, compatibilityFlags: [], vars: {}, kvNamespaces: [], durableObjects: [], crons: [], rules: [], migrations: [], define: {}, minify: false };
}

const RULE_TYPES: ReadonlySet<string> = new Set(["ESModule", "CommonJS", "CompiledWasm", "Text", "Data"]);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads wrangler.toml text, applying `[env.<name>]` when `env` is given: inheritable keys
 * (main, compatibility settings, build, rules, triggers, limits, migrations...) come from the
 * environment or else the top level; bindings, vars and define come from the environment
 * only, as wrangler does. A value of the wrong type is an EdgeError naming its line; an
 * unknown key is a warning naming its line.
 */
export function parseWranglerToml(text: string, options: { env?: string } = {}): WranglerToml {
  const doc = TomlDocument.parse(text);
  const r = new ConfigReader(doc);
  const envName = options.env;
  const envPath: TomlPath | undefined = envName === undefined ? undefined : ["env", envName];
  if (envName !== undefined) {
    const envs = r.table(["env"]);
    if (envs === undefined || !Object.hasOwn(envs, envName)) {
      const known = envs === undefined ? [] : Object.keys(envs);
      throw doc.error(["env"], `no [env.${envName}] section; ${known.length > 0 ? `environments: ${known.join(", ")}` : "this file defines no environments"}`);
    }
  }
  // Like wrangler, the top level and the environment in use are checked, not the others.
  r.checkKeys([]);
  if (envPath !== undefined) r.checkKeys(envPath);
  /** Where `key` is read from: the environment, the top level, or nowhere. */
  const from = (key: string): TomlPath | undefined => {
    if (envPath !== undefined) {
      if (r.has([...envPath, key])) return [...envPath, key];
      if (!INHERITABLE_KEYS.has(key)) {
        if (r.has([key])) r.warn([key], `"${key}" exists at the top level, but not on "env.${envName}"; it is not inherited by environments, so env.${envName} has none`);
        return undefined;
      }
    }
    return r.has([key]) ? [key] : undefined;
  };

  const name = readName(r, envName);
  const config = wranglerDefaults(name);
  if (envName !== undefined) config.env = envName;
  const at = <T>(key: string, read: (path: TomlPath) => T): T | undefined => {
    const path = from(key);
    return path === undefined ? undefined : read(path);
  };
  const main = at("main", (p) => r.string(p));
  if (main !== undefined) config.main = main;
  const date = at("compatibility_date", (p) => readDate(r, p));
  if (date !== undefined) config.compatibilityDate = date;
  config.compatibilityFlags = at("compatibility_flags", (p) => r.strings(p)) ?? [];
  config.vars = at("vars", (p) => readVars(r, p)) ?? {};
  config.define = at("define", (p) => r.stringMap(p)) ?? {};
  config.kvNamespaces = at("kv_namespaces", (p) => r.tables(p).map((t) => readKv(r, t))) ?? [];
  config.durableObjects = at("durable_objects", (p) => readDurableObjects(r, p)) ?? [];
  config.crons = at("triggers", (p) => readCrons(r, p)) ?? [];
  const cpuMsMax = at("limits", (p) => readLimits(r, p));
  if (cpuMsMax !== undefined) config.cpuMsMax = cpuMsMax;
  config.rules = at("rules", (p) => r.tables(p).map((t) => readRule(r, t))) ?? [];
  const build = at("build", (p) => readBuild(r, p));
  if (build !== undefined) config.build = build;
  config.migrations = at("migrations", (p) => readMigrations(r, p)) ?? [];
  config.minify = at("minify", (p) => r.boolean(p)) ?? false;
  for (const [key, field] of [["jsx_factory", "jsxFactory"], ["jsx_fragment", "jsxFragment"], ["tsconfig", "tsconfig"]] as const) {
    const value = at(key, (p) => r.string(p));
    if (value !== undefined) config[field] = value;
  }
  const waf = at("waf", (p) => readWaf(r, p));
  if (waf !== undefined) config.waf = waf;
  const routing = at("routing", (p) => r.table(p));
  if (routing !== undefined) {
    const path = from("routing")!;
    r.checkFields(path, "routing", ["smart"]);
    if (r.has([...path, "smart"])) config.smartRouting = r.boolean([...path, "smart"]);
  }
  const origin = at("origin", (p) => r.table(p));
  if (origin !== undefined) {
    const path = from("origin")!;
    r.checkFields(path, "origin", ["url"]);
    config.originUrl = r.requiredString([...path, "url"], `[origin] needs url = "http://127.0.0.1:PORT"`);
  }
  return { config, warnings: r.warnings };
}

function readName(r: ConfigReader, envName: string | undefined): string {
  if (envName !== undefined && r.has(["env", envName, "name"])) return r.requiredString(["env", envName, "name"]);
  const top = r.requiredString(["name"]);
  // Cloudflare deploys an environment as a Worker named <top-level-name>-<environment-name>.
  return envName === undefined ? top : `${top}-${envName}`;
}

function readDate(r: ConfigReader, path: TomlPath): string {
  const v = r.value(path);
  if (v instanceof Date) throw r.doc.error(path, `compatibility_date must be a quoted string such as "2024-09-23", not a TOML date`);
  const s = r.string(path);
  const m = DATE.exec(s);
  const valid = m !== null && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
  if (!valid) throw r.doc.error(path, `compatibility_date must be a date written YYYY-MM-DD, got ${JSON.stringify(s)}`);
  return s;
}

function readVars(r: ConfigReader, path: TomlPath): Record<string, string> {
  const vars = r.requiredTable(path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== "string") throw r.doc.error([...path, k], `vars.${k} must be a string (this platform passes only text vars), got ${describe(v)}`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readKv(r: ConfigReader, t: TableAt): { binding: string; id: string } {
  r.checkFields(t.path, "kv_namespaces", ["binding", "id", "preview_id"]);
  return { binding: r.requiredString([...t.path, "binding"]), id: r.requiredString([...t.path, "id"]) };
}

function readDurableObjects(r: ConfigReader, path: TomlPath): Array<{ name: string; className: string }> {
  r.requiredTable(path);
  r.checkFields(path, "durable_objects", ["bindings"]);
  if (!r.has([...path, "bindings"])) return [];
  const out: Array<{ name: string; className: string }> = [];
  for (const t of r.tables([...path, "bindings"])) {
    r.checkFields(t.path, "durable_objects.bindings", ["name", "class_name", "script_name", "environment"]);
    const binding = { name: r.requiredString([...t.path, "name"]), className: r.requiredString([...t.path, "class_name"]) };
    if (r.has([...t.path, "script_name"])) {
      r.warn([...t.path, "script_name"], `Durable Object binding ${binding.name}: classes of another Worker (script_name) are not supported here; the binding is left out`);
      continue;
    }
    out.push(binding);
  }
  return out;
}

function readCrons(r: ConfigReader, path: TomlPath): string[] {
  r.requiredTable(path);
  r.checkFields(path, "triggers", ["crons"]);
  if (!r.has([...path, "crons"])) return [];
  const crons = r.strings([...path, "crons"]);
  crons.forEach((c, i) => {
    // Cron Triggers use five fields (Cloudflare "Cron Triggers" docs).
    if (c.trim().split(/\s+/).length !== 5) throw r.doc.error([...path, "crons", i], `cron "${c}" must have 5 fields`);
  });
  return crons;
}

function readLimits(r: ConfigReader, path: TomlPath): number | undefined {
  r.requiredTable(path);
  r.checkFields(path, "limits", ["cpu_ms"]);
  const cpuPath = [...path, "cpu_ms"];
  if (!r.has(cpuPath)) return undefined;
  const cpu = r.value(cpuPath);
  if (typeof cpu !== "number" || !Number.isInteger(cpu) || cpu <= 0) throw r.doc.error(cpuPath, `limits.cpu_ms must be a positive integer, got ${describe(cpu)}`);
  return cpu;
}

function readWaf(r: ConfigReader, path: TomlPath): WafSettings {
  r.requiredTable(path);
  r.checkFields(path, "waf", ["crs", "paranoia_level", "inbound_anomaly_score_threshold"]);
  const out: WafSettings = {};
  if (r.has([...path, "crs"])) out.crs = r.requiredString([...path, "crs"], `waf.crs must be "auto", "off" or a CRS directory, got ${describe(r.value([...path, "crs"]))}`);
  const pl = r.value([...path, "paranoia_level"]);
  if (pl !== undefined) {
    if (typeof pl !== "number" || ![1, 2, 3, 4].includes(pl)) throw r.doc.error([...path, "paranoia_level"], `waf.paranoia_level must be 1, 2, 3 or 4, got ${describe(pl)}`);
    out.paranoiaLevel = pl;
  }
  const threshold = r.value([...path, "inbound_anomaly_score_threshold"]);
  if (threshold !== undefined) {
    if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold <= 0) {
      throw r.doc.error([...path, "inbound_anomaly_score_threshold"], `waf.inbound_anomaly_score_threshold must be a positive integer, got ${describe(threshold)}`);
    }
    out.inboundThreshold = threshold;
  }
  return out;
}

function readRule(r: ConfigReader, t: TableAt): ModuleRule {
  r.checkFields(t.path, "rules", ["type", "globs", "fallthrough"]);
  const type = r.requiredString([...t.path, "type"]);
  if (!RULE_TYPES.has(type)) throw r.doc.error([...t.path, "type"], `rules type must be one of ${[...RULE_TYPES].join(", ")}, got ${JSON.stringify(type)}`);
  const rule: ModuleRule = { type: type as ModuleRuleType, globs: r.strings([...t.path, "globs"], true) };
  if (r.has([...t.path, "fallthrough"])) rule.fallthrough = r.boolean([...t.path, "fallthrough"]);
  return rule;
}

function readBuild(r: ConfigReader, path: TomlPath): CustomBuild | undefined {
  r.requiredTable(path);
  r.checkFields(path, "build", ["command", "cwd", "watch_dir"]);
  if (!r.has([...path, "command"])) return undefined;
  const build: CustomBuild = { command: r.requiredString([...path, "command"]), watchDir: ["src"] };
  if (r.has([...path, "cwd"])) build.cwd = r.string([...path, "cwd"]);
  const watch = [...path, "watch_dir"];
  if (r.has(watch)) build.watchDir = typeof r.value(watch) === "string" ? [r.string(watch)] : r.strings(watch);
  return build;
}

function readMigrations(r: ConfigReader, path: TomlPath): DurableObjectMigration[] {
  const seen = new Set<string>();
  return r.tables(path).map((t) => {
    r.checkFields(t.path, "migrations", ["tag", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes"]);
    const tag = r.requiredString([...t.path, "tag"]);
    if (seen.has(tag)) throw r.doc.error([...t.path, "tag"], `migration tag "${tag}" is used twice; each migration needs its own tag`);
    seen.add(tag);
    const list = (key: string): string[] => (r.has([...t.path, key]) ? r.strings([...t.path, key]) : []);
    const renamedPath = [...t.path, "renamed_classes"];
    const renamedClasses = r.has(renamedPath)
      ? r.tables(renamedPath).map((rt) => {
          r.checkFields(rt.path, "renamed_classes", ["from", "to"]);
          return { from: r.requiredString([...rt.path, "from"]), to: r.requiredString([...rt.path, "to"]) };
        })
      : [];
    return { tag, newClasses: list("new_classes"), newSqliteClasses: list("new_sqlite_classes"), renamedClasses, deletedClasses: list("deleted_classes") };
  });
}

interface TableAt {
  path: TomlPath;
  table: TomlTable;
}

/** Typed access to a parsed document: every type error names the key and its line. */
class ConfigReader {
  readonly doc: TomlDocument;
  readonly warnings: string[] = [];

  constructor(doc: TomlDocument) {
    this.doc = doc;
  }

  warn(path: TomlPath, message: string): void {
    this.warnings.push(this.doc.warning(path, message));
  }

  value(path: TomlPath): TomlValue | undefined {
    let v: TomlValue | undefined = this.doc.root;
    for (const k of path) {
      if (typeof k === "number") v = Array.isArray(v) ? v[k] : undefined;
      else v = isTable(v) && Object.hasOwn(v, k) ? v[k] : undefined;
      if (v === undefined) return undefined;
    }
    return v;
  }

  has(path: TomlPath): boolean {
    return this.value(path) !== undefined;
  }

  string(path: TomlPath): string {
    const v = this.value(path);
    if (typeof v !== "string") throw this.doc.error(path, `"${dotted(path)}" must be a string, got ${describe(v)}`);
    return v;
  }

  requiredString(path: TomlPath, why?: string): string {
    const v = this.value(path);
    if (typeof v !== "string" || v.length === 0) throw this.doc.error(path, why ?? `"${String(path.at(-1))}" is required and must be a non-empty string${v === undefined ? "" : `, got ${describe(v)}`}`);
    return v;
  }

  boolean(path: TomlPath): boolean {
    const v = this.value(path);
    if (typeof v !== "boolean") throw this.doc.error(path, `"${dotted(path)}" must be true or false, got ${describe(v)}`);
    return v;
  }

  strings(path: TomlPath, required = false): string[] {
    const v = this.value(path);
    if (v === undefined && !required) return [];
    if (!Array.isArray(v)) throw this.doc.error(path, `"${dotted(path)}" must be an array of strings, got ${describe(v)}`);
    v.forEach((item, i) => {
      if (typeof item !== "string") throw this.doc.error([...path, i], `"${dotted(path)}" must be an array of strings; item ${i} is ${describe(item)}`);
    });
    return v as string[];
  }

  stringMap(path: TomlPath): Record<string, string> {
    const t = this.requiredTable(path);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(t)) {
      if (typeof v !== "string") throw this.doc.error([...path, k], `"${dotted([...path, k])}" must be a string, got ${describe(v)}`);
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  table(path: TomlPath): TomlTable | undefined {
    const v = this.value(path);
    if (v === undefined) return undefined;
    if (!isTable(v)) throw this.doc.error(path, `"${dotted(path)}" must be a table, got ${describe(v)}`);
    return v;
  }

  requiredTable(path: TomlPath): TomlTable {
    const t = this.table(path);
    if (t === undefined) throw this.doc.error(path, `"${dotted(path)}" is required`);
    return t;
  }

  tables(path: TomlPath): TableAt[] {
    const v = this.value(path);
    const key = String(path.at(-1));
    if (!Array.isArray(v)) throw this.doc.error(path, `${key} must be an array of tables ([[${key}]] or [{ ... }]), got ${describe(v)}`);
    return v.map((item, i) => {
      if (!isTable(item)) throw this.doc.error([...path, i], `${key} must be an array of tables ([[${key}]] or [{ ... }]); item ${i} is ${describe(item)}`);
      return { path: [...path, i], table: item };
    });
  }

  /** Warns about the keys of the table at `path` outside `known`, as wrangler does. */
  checkFields(path: TomlPath, field: string, known: readonly string[]): void {
    const t = this.table(path);
    for (const key of Object.keys(t ?? {})) {
      if (!known.includes(key)) this.warn([...path, key], `Unexpected fields found in ${field} field: "${key}"`);
    }
  }

  /**
   * Sorts the keys of the top level or an `[env.x]` table: unknown to wrangler (a warning in
   * wrangler's words), known but not honoured here (a warning saying what is lost), known
   * and without effect locally (silent), or supported.
   */
  checkKeys(path: TomlPath): void {
    const t = path.length === 0 ? this.doc.root : this.requiredTable(path);
    const field = path.length === 0 ? "top-level" : dotted(path);
    for (const key of Object.keys(t)) {
      if (SUPPORTED_KEYS.has(key) || IGNORED_KEYS.has(key) || (key === "env" && path.length === 0)) continue;
      const lost = UNSUPPORTED_KEYS.get(key);
      this.warn([...path, key], lost !== undefined ? `"${key}" is not supported by this platform: ${lost}` : `Unexpected fields found in ${field} field: "${key}"`);
    }
  }
}

function dotted(path: TomlPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function describe(v: TomlValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v instanceof Date) return `the date ${v.toISOString().slice(0, 10)}`;
  if (Array.isArray(v)) return "an array";
  if (isTable(v)) return "a table";
  return `${typeof v} ${JSON.stringify(v)}`;
}
