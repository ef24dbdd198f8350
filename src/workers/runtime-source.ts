import { readFileSync } from "node:fs";
import ivm from "isolated-vm";

/**
 * The in-isolate runtime: ten plain-JS fragments under `runtime/` that share one function
 * scope. They are kept as files (not template strings) so they read and lint as JavaScript,
 * and they are read once per process. The whole layer stays small on purpose: NOTES.md
 * measured ~1.1 ms cold start for a thin shim versus ~15 ms for a polyfill bundle.
 */
const FRAGMENTS = ["bridge.js", "encoding.js", "timers.js", "url.js", "headers.js", "streams.js", "body.js", "crypto.js", "bindings.js", "dispatch.js"] as const;

let cached: string | null = null;

let codeCache: ivm.ExternalCopy<ArrayBuffer> | null = null;

/** A function expression `($0, $1, $2, $3) => entryPoints` holding the whole runtime. */
export function runtimeSource(): string {
  if (cached === null) {
    const dir = new URL("./runtime/", import.meta.url);
    const body = FRAGMENTS.map((file) => readFileSync(new URL(file, dir), "utf8")).join("\n");
    cached = `(function edgeKataRuntime($0, $1, $2, $3) {\n${body}\n})`;
  }
  return cached;
}

/**
 * Compiles the runtime in `isolate`, reusing V8's code cache from the first compile in this
 * process so later cold starts skip parsing (NOTES.md: code cache cut a bundle's cold start ~40%).
 */
export function compileRuntime(isolate: ivm.Isolate): ivm.Script {
  // isolated-vm's typings omit the cached-data fields that its README documents on Script.
  type CachedScript = ivm.Script & ivm.CachedDataResult & { cachedDataRejected?: boolean };
  const compile = (extra: ivm.CachedDataOptions): CachedScript =>
    isolate.compileScriptSync(runtimeSource(), { filename: "file:///edge-kata/runtime.js", ...extra } as ivm.ScriptInfo) as CachedScript;
  if (codeCache !== null) {
    const script = compile({ cachedData: codeCache });
    if (script.cachedDataRejected !== true) return script;
  }
  const script = compile({ produceCachedData: true });
  if (script.cachedData !== undefined) codeCache = script.cachedData;
  return script;
}

/** The `cloudflare:workers` module a script may import for `DurableObject` and friends. */
export const CLOUDFLARE_WORKERS_MODULE_SOURCE = `
const classes = globalThis[Symbol.for("edge-kata.cloudflare:workers")];
export const DurableObject = classes.DurableObject;
export const WorkerEntrypoint = classes.WorkerEntrypoint;
`;
