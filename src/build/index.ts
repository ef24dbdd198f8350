/**
 * Build: turns a worker project into the script an isolate runs, as `wrangler dev` does
 * before Miniflare runs it. esbuild bundles the entry point with wrangler's options
 * (TypeScript and JSX, npm packages from the project's own node_modules, `cloudflare:*` kept
 * external, the workerd/worker/browser conditions); wrangler's module rules turn `.wasm`,
 * `.txt`/`.html` and `.bin` imports into modules of the Worker; nodejs_compat's `node:*`
 * imports are left for the isolate to link; the source map turns stack traces back into
 * source positions; the size is checked against Cloudflare's limit. `[build] command` runs
 * first, and a `FileWatcher` over the bundle's inputs drives `--watch`.
 */
export { WorkerBuilder, type WorkerBuild, type WorkerProject, WRANGLER_BUILD_CONDITIONS, WRANGLER_TARGET } from "./worker-build.js";
export { runCustomBuild, CUSTOM_BUILD_OUTPUT_CHARS_MAX } from "./custom-build.js";
export { FileWatcher, WATCH_DEBOUNCE_MS } from "./file-watcher.js";
export { DEFAULT_MODULE_RULES, parseRules, globToRegExp } from "./module-rules.js";
export { nodeCompatMode, type NodeCompatMode, NODEJS_COMPAT_V2_DATE } from "./node-compat.js";
export { checkBundleSize, measureBundle, formatSize, WORKER_SIZE_BYTES_MAX, type BundleSize } from "./size-limit.js";
export { stackRemapper } from "./source-map.js";
