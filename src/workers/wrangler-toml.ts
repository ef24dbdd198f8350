import { type TomlTable, type TomlValue, isTable, parseToml, tableLines, tomlError } from "./toml-subset.js";

/** The part of wrangler.toml this platform understands (Cloudflare "Configuration - Wrangler"). */
export interface WranglerConfig {
  name: string;
  main?: string;
  compatibilityDate?: string;
  vars: Record<string, string>;
  kvNamespaces: Array<{ binding: string; id: string }>;
  durableObjects: Array<{ name: string; className: string }>;
  /** `[[migrations]]`, in order (Cloudflare "Durable Objects migrations"). */
  migrations?: DurableObjectMigration[];
  crons: string[];
  cpuMsMax?: number;
}

export interface DurableObjectMigration {
  tag: string;
  newClasses: string[];
  newSqliteClasses: string[];
  renamedClasses: Array<{ from: string; to: string }>;
  deletedClasses: string[];
}

/** Reads wrangler.toml text; every error is an EdgeError naming the line. */
export function parseWranglerToml(text: string): WranglerConfig {
  const root = parseToml(text);
  const config: WranglerConfig = {
    name: requireString(root, "name"),
    vars: readVars(root),
    kvNamespaces: tablesOf(root, "kv_namespaces").map((t) => ({ binding: requireString(t, "binding"), id: requireString(t, "id") })),
    durableObjects: readDurableObjects(root),
    crons: readCrons(root),
  };
  const migrations = tablesOf(root, "migrations").map(readMigration);
  if (migrations.length > 0) config.migrations = migrations;
  const main = optionalString(root, "main");
  if (main !== undefined) config.main = main;
  const date = optionalString(root, "compatibility_date");
  if (date !== undefined) config.compatibilityDate = date;
  const limits = root["limits"];
  if (limits !== undefined) {
    if (!isTable(limits)) throw tomlError(1, "limits must be a table");
    const cpu = limits["cpu_ms"];
    if (cpu !== undefined) {
      if (typeof cpu !== "number" || !Number.isInteger(cpu) || cpu <= 0) throw tomlError(lineOf(limits), `limits.cpu_ms must be a positive integer, got ${JSON.stringify(cpu)}`);
      config.cpuMsMax = cpu;
    }
  }
  return config;
}

function readVars(root: TomlTable): Record<string, string> {
  const vars = root["vars"];
  if (vars === undefined) return {};
  if (!isTable(vars)) throw tomlError(1, "vars must be a table");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== "string") throw tomlError(lineOf(vars), `vars.${k} must be a string (this platform passes only text vars), got ${JSON.stringify(v)}`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readDurableObjects(root: TomlTable): Array<{ name: string; className: string }> {
  const dos = root["durable_objects"];
  if (dos === undefined) return [];
  if (!isTable(dos)) throw tomlError(1, "durable_objects must be a table");
  return tablesOf(dos, "bindings").map((t) => ({ name: requireString(t, "name"), className: requireString(t, "class_name") }));
}

function readMigration(t: TomlTable): DurableObjectMigration {
  const names = (key: string): string[] => {
    const v = t[key] ?? [];
    if (!Array.isArray(v) || !v.every((c) => typeof c === "string")) throw tomlError(lineOf(t), `migrations.${key} must be an array of class names`);
    return v as string[];
  };
  const renamed = t["renamed_classes"] ?? [];
  if (!Array.isArray(renamed) || !renamed.every((r) => isTable(r) && typeof r["from"] === "string" && typeof r["to"] === "string")) {
    throw tomlError(lineOf(t), 'migrations.renamed_classes must be an array of { from = "...", to = "..." }');
  }
  return {
    tag: requireString(t, "tag"),
    newClasses: names("new_classes"),
    newSqliteClasses: names("new_sqlite_classes"),
    renamedClasses: (renamed as TomlTable[]).map((r) => ({ from: r["from"] as string, to: r["to"] as string })),
    deletedClasses: names("deleted_classes"),
  };
}

function readCrons(root: TomlTable): string[] {
  const triggers = root["triggers"];
  if (triggers === undefined) return [];
  if (!isTable(triggers)) throw tomlError(1, "triggers must be a table");
  const crons = triggers["crons"] ?? [];
  if (!Array.isArray(crons) || !crons.every((c) => typeof c === "string")) throw tomlError(lineOf(triggers), "triggers.crons must be an array of strings");
  for (const c of crons) {
    // Cron Triggers use five fields (Cloudflare "Cron Triggers" docs).
    if (c.trim().split(/\s+/).length !== 5) throw tomlError(lineOf(triggers), `cron "${c}" must have 5 fields`);
  }
  return crons as string[];
}

function tablesOf(parent: TomlTable, key: string): TomlTable[] {
  const v: TomlValue | undefined = parent[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every(isTable)) throw tomlError(lineOf(parent), `${key} must be an array of tables ([[${key}]] or [{ ... }])`);
  return v as TomlTable[];
}

function requireString(t: TomlTable, key: string): string {
  const v = t[key];
  if (typeof v !== "string" || v.length === 0) throw tomlError(lineOf(t), `"${key}" is required and must be a non-empty string`);
  return v;
}

function optionalString(t: TomlTable, key: string): string | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw tomlError(lineOf(t), `"${key}" must be a string`);
  return v;
}

function lineOf(t: TomlTable): number {
  return tableLines.get(t) ?? 1;
}
