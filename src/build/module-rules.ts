import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Plugin } from "esbuild";
import type { ModuleType, WorkerModule } from "../workers/worker-script.js";
import type { ModuleRule, ModuleRuleType } from "../workers/wrangler-toml.js";

/** wrangler's default module rules (workers-sdk, deployment-bundle/rules.ts `DEFAULT_MODULE_RULES`). */
export const DEFAULT_MODULE_RULES: readonly ModuleRule[] = [
  { type: "Text", globs: ["**/*.txt", "**/*.html"] },
  { type: "Data", globs: ["**/*.bin"] },
  { type: "CompiledWasm", globs: ["**/*.wasm", "**/*.wasm?module"] },
];

const MODULE_TYPES: Partial<Record<ModuleRuleType, ModuleType>> = { Text: "text", Data: "data", CompiledWasm: "compiled-wasm" };

export interface ParsedRules {
  rules: ModuleRule[];
  /** Rules shadowed by an earlier rule of the same type without `fallthrough = true`. */
  removed: ModuleRule[];
  warnings: string[];
}

/**
 * The user's rules, then the defaults. As in wrangler (`parseRules`), once a rule of a type
 * has been seen without `fallthrough = true`, later rules of that type are dropped, and a
 * warning names them unless the first rule said `fallthrough = false`.
 */
export function parseRules(userRules: readonly ModuleRule[]): ParsedRules {
  const all = [...userRules, ...DEFAULT_MODULE_RULES];
  const rules: ModuleRule[] = [];
  const removed: ModuleRule[] = [];
  const warnings: string[] = [];
  const complete = new Map<string, ModuleRule>();
  all.forEach((rule, index) => {
    const first = complete.get(rule.type);
    if (first !== undefined) {
      removed.push(rule);
      if (first.fallthrough !== false) {
        warnings.push(`The module rule ${JSON.stringify(first)} does not have a fallback, so ${JSON.stringify(rule)}${index >= userRules.length ? " (a default rule)" : ""} is ignored; add fallthrough = true to use both, or fallthrough = false to silence this warning`);
      }
      return;
    }
    rules.push(rule);
    if (rule.fallthrough !== true) complete.set(rule.type, rule);
  });
  return { rules, removed, warnings };
}

/**
 * A glob as wrangler reads it (the glob-to-regexp package without `extended` or `globstar`):
 * `*` matches any characters, slashes included; everything else is literal. Matched against
 * the import specifier, so `**\/*.wasm` takes `./add.wasm` and `pkg/x.wasm` but not `x.wasm`.
 */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/=!,]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

const SKIP = "edge-kata-module-rules";

/**
 * Imports matching a Text, Data or CompiledWasm rule become separate modules of the Worker,
 * as wrangler's module collector makes them (deployment-bundle/module-collection.ts): the file
 * is resolved as esbuild would (package exports, conditions), named `./<sha1>-<basename>`,
 * kept external in the bundle and handed to the isolate beside it. JavaScript rules
 * (ESModule, CommonJS) only matter with `find_additional_modules`, which this platform does
 * not support, so such imports are bundled as usual.
 */
/** What a build's module rules collected: the modules by name, and the files they were read from. */
export interface CollectedModules {
  modules: Map<string, WorkerModule>;
  files: Set<string>;
}

export function moduleRulesPlugin(parsed: ParsedRules, collected: CollectedModules): Plugin {
  return {
    name: "edge-kata-module-rules",
    setup(build) {
      build.onStart(() => {
        collected.modules.clear();
        collected.files.clear();
      });
      for (const rule of parsed.rules) {
        const type = MODULE_TYPES[rule.type];
        if (type === undefined) continue;
        for (const glob of rule.globs) {
          build.onResolve({ filter: globToRegExp(glob) }, async (args) => {
            if (args.pluginData === SKIP) return undefined;
            const found = await build.resolve(args.path.replace(/\?module$/, ""), { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: SKIP });
            if (found.errors.length > 0) return { errors: found.errors };
            const bytes = await readFile(found.path);
            const name = `./${createHash("sha1").update(bytes).digest("hex")}-${basename(found.path)}`;
            collected.modules.set(name, { name, type, bytes: new Uint8Array(bytes) });
            collected.files.add(found.path);
            return { path: name, external: true, watchFiles: [found.path] };
          });
        }
      }
      for (const rule of parsed.removed) {
        for (const glob of rule.globs) {
          build.onResolve({ filter: globToRegExp(glob) }, (args) => {
            if (args.pluginData === SKIP) return undefined;
            return { errors: [{ text: `The file ${args.path} matched a module rule in your configuration (${JSON.stringify(rule)}), but was ignored because a previous rule with the same type was not marked as \`fallthrough = true\`.` }] };
          });
        }
      }
    },
  };
}
