import { join, parse, relative } from "node:path";
import { type BuildContext, type BuildFailure, type BuildOptions, type BuildResult, type Message, type Plugin, context } from "esbuild";
import type { WorkerScript } from "../workers/worker-script.js";
import type { WranglerConfig } from "../workers/wrangler-toml.js";
import { buildFailure } from "./build-errors.js";
import { type CollectedModules, moduleRulesPlugin, parseRules } from "./module-rules.js";
import { explainNodeBuiltin, nodeCompatMode, nodeCompatPlugin } from "./node-compat.js";
import { type BundleSize, checkBundleSize, measureBundle } from "./size-limit.js";
import { stackRemapper } from "./source-map.js";

/** Where a worker's code lives: the project folder (the config file's) and its entry point. */
export interface WorkerProject {
  /** The folder wrangler runs in: the config file's folder. */
  root: string;
  /** The entry point, absolute. */
  main: string;
  /** The config file, when there is one (it is watched with the code). */
  configPath?: string;
}

export interface WorkerBuild {
  script: WorkerScript;
  /** Every file the bundle was built from, absolute: a change to any of them needs a rebuild. */
  inputs: string[];
  size: BundleSize;
  warnings: string[];
  durationMs: number;
}

/**
 * wrangler's esbuild options for a modules-format Worker (workers-sdk,
 * packages/wrangler/src/deployment-bundle/bundle.ts, `bundleWorker` and
 * `COMMON_ESBUILD_OPTIONS`): bundle, ESM output, `target: "es2022"` ("workerd uses the same
 * V8 as recent Chrome"), `.js`/`.mjs`/`.cjs` loaded as JSX, `conditions: ["workerd",
 * "worker", "browser"]` (`BUILD_CONDITIONS`), source maps on, a metafile, the working
 * directory at the project root, `__STATIC_CONTENT_MANIFEST` external, esbuild's own logging
 * silenced so the caller reports errors, and `process.env.NODE_ENV` defined only when the
 * environment sets it. `cloudflare:*` imports stay external (`cloudflareInternalPlugin`).
 * esbuild's default platform ("browser") gives mainFields browser, module, main.
 */
export const WRANGLER_BUILD_CONDITIONS: readonly string[] = ["workerd", "worker", "browser"];
export const WRANGLER_TARGET = "es2022";
const WRANGLER_LOADERS = { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" } as const;

/** The isolate compiles the bundle under this name; stack positions in it are remapped. */
const BUNDLE_DIR = "bundle";

// ANCHOR: wrangler-options
function wranglerOptions(project: WorkerProject, config: WranglerConfig, plugins: Plugin[]): BuildOptions {
  const nodeEnv = process.env["NODE_ENV"];
  const options: BuildOptions = {
    entryPoints: [project.main],
    bundle: true,
    absWorkingDir: project.root,
    // Nothing is written (write: false); the folder only anchors the source map's paths.
    outdir: join(project.root, ".edge-kata", "build"),
    entryNames: parse(project.main).name,
    write: false,
    format: "esm",
    target: WRANGLER_TARGET,
    sourcemap: "external",
    sourcesContent: false,
    metafile: true,
    conditions: [...WRANGLER_BUILD_CONDITIONS],
    loader: { ...WRANGLER_LOADERS },
    external: ["__STATIC_CONTENT_MANIFEST"],
    define: { ...(nodeEnv === undefined ? {} : { "process.env.NODE_ENV": JSON.stringify(nodeEnv) }), ...config.define },
    minify: config.minify,
    logLevel: "silent",
    plugins,
  };
  if (config.jsxFactory !== undefined) options.jsxFactory = config.jsxFactory;
  if (config.jsxFragment !== undefined) options.jsxFragment = config.jsxFragment;
  if (config.tsconfig !== undefined) options.tsconfig = config.tsconfig;
  return options;
}
// ANCHOR_END: wrangler-options

const cloudflareInternal: Plugin = {
  name: "edge-kata-cloudflare-internal",
  setup(build) {
    build.onResolve({ filter: /^cloudflare:/ }, () => ({ external: true }));
  },
};

/**
 * Builds a worker project as `wrangler dev` does and keeps esbuild's context, so a rebuild
 * after an edit only re-reads what changed. Each build yields the script the isolate loads
 * (bundle, modules from the module rules, source map) and the files it came from.
 */
export class WorkerBuilder {
  readonly #project: WorkerProject;
  readonly #config: WranglerConfig;
  readonly #collected: CollectedModules = { modules: new Map(), files: new Set() };
  readonly #ruleWarnings: string[];
  readonly #nodeCompat: ReturnType<typeof nodeCompatMode>;
  #context: Promise<BuildContext> | undefined;

  constructor(project: WorkerProject, config: WranglerConfig) {
    this.#project = project;
    this.#config = config;
    this.#nodeCompat = nodeCompatMode(config.compatibilityDate, config.compatibilityFlags);
    const rules = parseRules(config.rules);
    this.#ruleWarnings = rules.warnings;
    const plugins = [cloudflareInternal, nodeCompatPlugin(this.#nodeCompat), moduleRulesPlugin(rules, this.#collected)];
    this.#context = context(wranglerOptions(project, config, plugins));
    // Reported by build(); never an unhandled rejection if nobody builds.
    this.#context.catch(() => undefined);
  }

  /** Builds (or rebuilds) the bundle; a failure is an EdgeError listing every error. */
  async build(): Promise<WorkerBuild> {
    const started = performance.now();
    if (this.#context === undefined) throw new Error("this builder was disposed");
    let result: BuildResult<{ metafile: true; write: false }>;
    try {
      // Creating the context fails too when an option is wrong (a tsconfig that does not exist).
      const ctx = await this.#context;
      result = (await ctx.rebuild()) as BuildResult<{ metafile: true; write: false }>;
    } catch (e) {
      const errors = isBuildFailure(e) ? e.errors : [{ id: "", pluginName: "", text: String(e), location: null, notes: [], detail: undefined }];
      for (const error of errors) explainNodeBuiltin(error, this.#nodeCompat);
      throw buildFailure(this.#config.name, errors, this.#project.root);
    }
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!;
    const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"))!;
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
    if (output !== undefined && !output.exports.includes("default")) {
      throw buildFailure(this.#config.name, [noDefaultExport(relative(this.#project.root, this.#project.main))], this.#project.root);
    }
    const modules = [...this.#collected.modules.values()];
    const size = measureBundle([js.contents, ...modules.map((m) => m.bytes)]);
    const warnings = [...this.#ruleWarnings, ...result.warnings.map((w) => `${w.location === null ? "" : `${w.location.file}:${w.location.line}: `}${w.text}`)];
    checkBundleSize(this.#config.name, size);
    const filename = `${BUNDLE_DIR}/${parse(this.#project.main).name}.js`;
    const script: WorkerScript = {
      main: js.text,
      modules,
      nodeCompat: this.#nodeCompat !== null,
      filename,
      remapStack: stackRemapper(filename, map.text, map.path, this.#project.root),
    };
    const inputs = Object.keys(result.metafile.inputs)
      .filter((p) => !p.includes(":"))
      .map((p) => join(this.#project.root, p));
    inputs.push(...this.#collected.files);
    return { script, inputs, size, warnings, durationMs: performance.now() - started };
  }

  async dispose(): Promise<void> {
    const ctx = this.#context;
    this.#context = undefined;
    await ctx?.then((c) => c.dispose(), () => undefined);
  }
}

function isBuildFailure(e: unknown): e is BuildFailure {
  return typeof e === "object" && e !== null && "errors" in e && Array.isArray((e as BuildFailure).errors);
}

function noDefaultExport(file: string): Message {
  return {
    id: "",
    pluginName: "",
    text: `${file} has no default export: this platform runs ES module Workers (export default { fetch(request, env, ctx) { ... } }); the service-worker format (addEventListener("fetch")) is not supported`,
    location: null,
    notes: [],
    detail: undefined,
  };
}
