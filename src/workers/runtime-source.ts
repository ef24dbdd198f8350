import { readFileSync } from "node:fs";
import ivm from "isolated-vm";

/**
 * The in-isolate runtime: plain-JS fragments under `runtime/` that share one function scope,
 * compiled into every isolate. They are kept as files (not template strings) so they read and
 * lint as JavaScript, and they are read once per process. This core stays small on purpose:
 * a thin shim measured ~1.1 ms of cold start against ~15 ms for a polyfill bundle (the Workers
 * README's cold-start section; `npm run bench` measures it).
 */
const FRAGMENTS = ["bridge.js", "encoding.js", "timers.js", "url.js", "headers.js", "streams.js", "body.js", "globals.js", "bindings.js", "dispatch.js"] as const;

/**
 * Lazy runtime modules (`runtime/lazy/NAME.js`), compiled into an isolate the first time its
 * code touches one of their globals (`lazyGlobals` in bridge.js, listed in globals.js). Each is
 * the body of a function of `rt`, the runtime's internals, that returns the module's exports.
 * A later part of the platform adds a module by adding its file here and its globals there.
 */
export const LAZY_MODULES = ["events", "forms", "web-streams", "crypto", "platform", "cache", "html-rewriter", "websocket"] as const;
export type LazyModule = (typeof LAZY_MODULES)[number];

let cached: string | null = null;
const lazySources = new Map<string, string>();

type Cache = { data: ivm.ExternalCopy<ArrayBuffer> | null };
const runtimeCache: Cache = { data: null };
const lazyCaches = new Map<string, Cache>();

/** A function expression `($0, $1, $2, $3, $4) => entryPoints` holding the runtime's core. */
export function runtimeSource(): string {
  if (cached === null) {
    const dir = new URL("./runtime/", import.meta.url);
    const body = FRAGMENTS.map((file) => readFileSync(new URL(file, dir), "utf8")).join("\n");
    cached = `(function edgeKataRuntime($0, $1, $2, $3, $4) {\n${body}\n})`;
  }
  return cached;
}

/** A function expression `(rt) => exports` holding one lazy module. */
export function lazyModuleSource(name: LazyModule): string {
  let source = lazySources.get(name);
  if (source === undefined) {
    const body = readFileSync(new URL(`./runtime/lazy/${name}.js`, import.meta.url), "utf8");
    source = `(function edgeKataLazyModule(rt) {\n"use strict";\n${body}\n})`;
    lazySources.set(name, source);
  }
  return source;
}

export function isLazyModule(name: unknown): name is LazyModule {
  return typeof name === "string" && (LAZY_MODULES as readonly string[]).includes(name);
}

/**
 * Compiles `source` in `isolate`, reusing V8's code cache from the first compile in this
 * process so later cold starts skip parsing (measured: the code cache cut a bundle's cold start
 * by about 40%; see the Workers README).
 */
function compileCached(isolate: ivm.Isolate, source: string, filename: string, cache: Cache): ivm.Script {
  // isolated-vm's typings omit the cached-data fields that its README documents on Script.
  type CachedScript = ivm.Script & ivm.CachedDataResult & { cachedDataRejected?: boolean };
  const compile = (extra: ivm.CachedDataOptions): CachedScript =>
    isolate.compileScriptSync(source, { filename, ...extra } as ivm.ScriptInfo) as CachedScript;
  if (cache.data !== null) {
    const script = compile({ cachedData: cache.data });
    if (script.cachedDataRejected !== true) return script;
  }
  const script = compile({ produceCachedData: true });
  if (script.cachedData !== undefined) cache.data = script.cachedData;
  return script;
}

export function compileRuntime(isolate: ivm.Isolate): ivm.Script {
  return compileCached(isolate, runtimeSource(), "file:///edge-kata/runtime.js", runtimeCache);
}

export function compileLazyModule(isolate: ivm.Isolate, name: LazyModule): ivm.Script {
  let cache = lazyCaches.get(name);
  if (cache === undefined) {
    cache = { data: null };
    lazyCaches.set(name, cache);
  }
  return compileCached(isolate, lazyModuleSource(name), `file:///edge-kata/runtime/${name}.js`, cache);
}

/** The `cloudflare:workers` module a script may import for `DurableObject` and friends. */
export const CLOUDFLARE_WORKERS_MODULE_SOURCE = `
const classes = globalThis[Symbol.for("edge-kata.cloudflare:workers")];
export const DurableObject = classes.DurableObject;
export const WorkerEntrypoint = classes.WorkerEntrypoint;
`;
