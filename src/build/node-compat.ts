import { builtinModules } from "node:module";
import type { Message, Plugin } from "esbuild";
import { ConfigError } from "../core/errors.js";
import { NODE_COMPAT_MODULES } from "../workers/node-modules.js";

/**
 * The Node.js compatibility mode, decided as wrangler decides it (workers-sdk,
 * deployment-bundle/node-compat.ts, and Cloudflare "Node.js compatibility"): `nodejs_compat`
 * with a compatibility date on or after 2024-09-23, or `nodejs_compat_v2`, is v2 (bare
 * `buffer` means `node:buffer`, and `Buffer` is a global); `nodejs_compat` before that date is
 * v1 (`node:`-prefixed imports only); without either flag there is none.
 */
export type NodeCompatMode = "v1" | "v2" | null;
export const NODEJS_COMPAT_V2_DATE = "2024-09-23";

export function nodeCompatMode(compatibilityDate: string | undefined, flags: readonly string[]): NodeCompatMode {
  const v1 = flags.includes("nodejs_compat");
  const v2 = flags.includes("nodejs_compat_v2");
  if (v1 && v2) throw new ConfigError("WRANGLER_TOML_INVALID", "The `nodejs_compat` and `nodejs_compat_v2` compatibility flags cannot be used together. Please select just one.");
  if (v2 || (v1 && (compatibilityDate ?? "2000-01-01") >= NODEJS_COMPAT_V2_DATE)) return "v2";
  return v1 ? "v1" : null;
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));
const BUILTIN_PATTERN = new RegExp(`^(node:)?(${[...BUILTINS].map((m) => m.replace(/[/]/g, "\\/")).join("|")})$`);
const REQUIRE_NAMESPACE = "edge-kata-node-require";
const BUFFER_GLOBAL = "edge-kata:buffer-global";

/**
 * Resolves Node built-in imports for the compatibility mode: a module this runtime provides
 * (NODE_COMPAT_MODULES) stays external for the isolate to link; any other built-in is an error
 * that names it and the file importing it, as is any built-in without nodejs_compat (with
 * wrangler's advice). A `require()` of a built-in becomes an import of it, as wrangler's
 * hybrid plugin does, and in v2 a free `Buffer` refers to node:buffer's.
 */
export function nodeCompatPlugin(mode: NodeCompatMode): Plugin {
  return {
    name: "edge-kata-node-compat",
    setup(build) {
      if (mode === "v2") {
        build.initialOptions.inject = [...(build.initialOptions.inject ?? []), BUFFER_GLOBAL];
        // Free of side effects, so a bundle that never names `Buffer` does not import node:buffer.
        build.onResolve({ filter: /^edge-kata:buffer-global$/ }, () => ({ path: BUFFER_GLOBAL, namespace: REQUIRE_NAMESPACE, sideEffects: false }));
      }
      build.onResolve({ filter: BUILTIN_PATTERN }, (args) => {
        const bare = args.path.replace(/^node:/, "");
        const prefixed = args.path.startsWith("node:");
        // v1 and no-compat builds leave bare names to the resolver (a package may be called "events").
        if (!prefixed && mode !== "v2") return undefined;
        const name = `node:${bare}`;
        if (mode === null) {
          return { errors: [{ text: `Could not resolve "${args.path}"`, notes: [{ text: `The package "${args.path}" wasn't found on the file system but is built into node. Add the "nodejs_compat" compatibility flag to your project.` }] }] };
        }
        if (!NODE_COMPAT_MODULES.includes(name)) {
          return { errors: [{ text: `"${args.path}" is not available here: this platform's nodejs_compat provides ${NODE_COMPAT_MODULES.join(", ")}` }] };
        }
        if (args.kind === "require-call") return { path: name, namespace: REQUIRE_NAMESPACE };
        return { path: name, external: true, sideEffects: args.importer.startsWith(BUFFER_GLOBAL) ? false : undefined };
      });
      build.onLoad({ filter: /.*/, namespace: REQUIRE_NAMESPACE }, (args) => {
        if (args.path === BUFFER_GLOBAL) return { contents: `export { Buffer } from "node:buffer";`, loader: "js" };
        return { contents: `import * as m from "${args.path}";\nmodule.exports = "default" in m ? m.default : m;`, loader: "js" };
      });
    },
  };
}

/** Adds wrangler's advice to esbuild's "Could not resolve" for a bare built-in name. */
export function explainNodeBuiltin(message: Message, mode: NodeCompatMode): void {
  const m = /^Could not resolve "([^"]+)"$/.exec(message.text);
  if (m === null || !BUILTINS.has(m[1]!)) return;
  const advice = mode === null ? `Add the "nodejs_compat" compatibility flag to your project.` : `Prefix the module name with "node:" or set compatibility_date to ${NODEJS_COMPAT_V2_DATE} or later.`;
  message.notes = [{ text: `The package "${m[1]}" wasn't found on the file system but is built into node. ${advice}`, location: null }];
}
