import { basename, dirname, join } from "node:path";
import { FileWatcher, runCustomBuild, type WorkerBuild, WorkerBuilder, type WorkerProject } from "../build/index.js";
import type { DurableObjectFactory, DurableObjectNamespaceApi } from "../core/bindings.js";
import type { RequestCf } from "../core/request-cf.js";
import type { DurableObjectNamespace, DurableObjectRuntime } from "../durable-objects/index.js";
import { type Edge, PerPopWorkers, type WorkerHost } from "../edge/index.js";
import type { KvStore } from "../kv/index.js";
import type { Clock } from "../sim/index.js";
import { type HeaderPairs, type ScheduledResult, WAIT_UNTIL_MS_MAX, Worker, type WorkerResult, type WranglerConfig } from "../workers/index.js";
import { loadSiteConfig } from "./site-config.js";

/** How often a replaced version is checked for finished requests before it is disposed. */
const RETIRE_POLL_MS = 100;

export interface DeploymentOptions {
  project: WorkerProject;
  wrangler: WranglerConfig;
  /** `--env`: re-applied when the config file changes under `--watch`. */
  env?: string;
  clock: Clock;
  edge: Edge;
  kv: KvStore;
  objects: DurableObjectRuntime;
  /** The storage backend of a Durable Object class, from the `[[migrations]]` applied. */
  objectStorage?: (className: string) => "sqlite" | "kv";
  /** `--watch`: rebuild when a file of the bundle (or the config) changes. */
  watch: boolean;
  log: (line: string) => void;
}

/** One built version of the worker: its per-PoP isolates and the isolate hosting its objects. */
interface Version {
  build: WorkerBuild;
  workers: PerPopWorkers;
  objects: Worker;
}

/**
 * The user's worker as `wrangler dev` runs it: `[build] command` once, then bundled, then
 * served by one isolate per PoP. Under `--watch`, a change to any file of the bundle (or to
 * the config file) rebuilds it; a good build becomes the version the next request runs (each
 * PoP builds a fresh isolate, Durable Object instances are restarted on the new code, and KV
 * and Durable Object storage are kept), while a broken one is reported and the previous
 * version keeps serving. The edge sees one `WorkerHost` throughout.
 */
export class WorkerDeployment implements WorkerHost {
  readonly #options: DeploymentOptions;
  #wrangler: WranglerConfig;
  #project: WorkerProject;
  #builder: WorkerBuilder;
  #current: Version;
  /** Durable Object namespaces by binding name, registered once and shared by every version. */
  readonly #namespaces = new Map<string, DurableObjectNamespace>();
  #watcher: FileWatcher | undefined;
  #rebuilding: Promise<void> = Promise.resolve();
  #rebuilds = 0;
  readonly #retiring = new Set<ReturnType<typeof setInterval>>();

  private constructor(options: DeploymentOptions, builder: WorkerBuilder, first: WorkerBuild) {
    this.#options = options;
    this.#wrangler = options.wrangler;
    this.#project = options.project;
    this.#builder = builder;
    this.#current = this.#version(first);
  }

  /** Runs the custom build, bundles, deploys; a failure here is fatal (there is nothing to serve). */
  static async start(options: DeploymentOptions): Promise<WorkerDeployment> {
    const { wrangler, project, log } = options;
    if (wrangler.build !== undefined) {
      log(`[build] ${wrangler.build.command}`);
      await runCustomBuild(wrangler.build, project.root, (text) => log(`[build] ${text.trimEnd()}`));
    }
    const builder = new WorkerBuilder(project, wrangler);
    let first: WorkerBuild;
    try {
      first = await builder.build();
    } catch (error) {
      await builder.dispose();
      throw error;
    }
    for (const warning of first.warnings) log(`warning: ${warning}`);
    log(`built ${wrangler.name} in ${first.durationMs.toFixed(0)} ms (${formatKiB(first.size.bytes)}, ${formatKiB(first.size.gzipBytes)} gzip)`);
    const deployment = new WorkerDeployment(options, builder, first);
    if (options.watch) await deployment.#watch();
    return deployment;
  }

  /** The Worker's name (with `-<env>` under `--env`, as Cloudflare names it). */
  get name(): string {
    return this.#wrangler.name;
  }

  /** How many rebuilds have completed, good or broken (for tests and the status page). */
  get rebuilds(): number {
    return this.#rebuilds;
  }

  run(request: Request, pop: string, cf: RequestCf | undefined, headers: HeaderPairs | undefined): Promise<WorkerResult> {
    return this.#current.workers.run(request, pop, cf, headers);
  }

  prewarm(pop: string): void {
    this.#current.workers.prewarm(pop);
  }

  /** Runs the `scheduled` handler for `cron` at `pop` (a Cron Trigger firing). */
  scheduled(cron: string, pop: string): Promise<ScheduledResult> {
    return this.#current.workers.scheduled(cron, pop);
  }

  /** Settles when the rebuild started by the last file change (if any) has been applied. */
  settled(): Promise<void> {
    return this.#rebuilding;
  }

  dispose(): void {
    void this.#watcher?.close();
    this.#watcher = undefined;
    for (const timer of this.#retiring) clearInterval(timer);
    this.#retiring.clear();
    this.#current.workers.dispose();
    this.#current.objects.dispose();
    void this.#builder.dispose();
  }

  #version(build: WorkerBuild): Version {
    const { clock, edge, kv, objects } = this.#options;
    const w = this.#wrangler;
    // `[limits] cpu_ms` applies to the Durable Objects of the script too, as on Cloudflare. The
    // objects' isolate runs at the PoP nearest the origin (the edge's one `originPop`).
    const objectHost = new Worker(build.script, { name: `${w.name}-objects`, vars: w.vars, cache: edge.cacheApiFor(edge.originPop), ...(w.cpuMsMax !== undefined ? { cpuMsMax: w.cpuMsMax } : {}) }, { clock, origin: edge.originFor(edge.originPop), developmentErrors: true });
    const namespaces: Record<string, { forPop(pop: string): DurableObjectNamespaceApi }> = {};
    for (const binding of w.durableObjects) {
      // A namespace is registered once; its factory asks the version current when an instance
      // is built, so after a reload new instances run the new code.
      let ns = this.#namespaces.get(binding.name);
      if (ns === undefined) {
        const className = binding.className;
        const factory: DurableObjectFactory = (state) => this.#current.objects.durableObjectFactory(className)(state);
        const storage = this.#options.objectStorage?.(className);
        ns = objects.namespace(binding.name, factory, storage === undefined ? {} : { storage });
        this.#namespaces.set(binding.name, ns);
      }
      const bound = ns;
      namespaces[binding.name] = { forPop: (pop) => bound.forPop(pop) };
    }
    const workers = new PerPopWorkers({
      name: w.name,
      source: build.script,
      vars: w.vars,
      ...(w.cpuMsMax !== undefined ? { cpuMsMax: w.cpuMsMax } : {}),
      clock,
      developmentErrors: true,
      bindings: { kv: Object.fromEntries(w.kvNamespaces.map((b) => [b.binding, kv.namespace(b.id)])), durableObjects: namespaces },
      originFor: (pop) => edge.originFor(pop),
      cacheFor: (pop) => edge.cacheApiFor(pop),
    });
    return { build, workers, objects: objectHost };
  }

  async #watch(): Promise<void> {
    this.#watcher = new FileWatcher((paths) => {
      this.#rebuilding = this.#rebuilding.then(() => this.#rebuild(paths));
    });
    this.#watcher.update(this.#watchList(this.#current.build));
    await this.#watcher.ready();
  }

  #watchList(build: WorkerBuild): string[] {
    const list = new Set(build.inputs);
    // The entry point's folder too, so a file the code is about to import is seen when created.
    list.add(dirname(this.#project.main));
    if (this.#project.configPath !== undefined) {
      list.add(this.#project.configPath);
      // Local secrets: a change to them reloads the config, as a change to the config does.
      list.add(join(this.#project.root, ".dev.vars"));
      if (this.#options.env !== undefined) list.add(join(this.#project.root, `.dev.vars.${this.#options.env}`));
    }
    return [...list];
  }

  async #rebuild(paths: string[]): Promise<void> {
    const { log } = this.#options;
    const started = performance.now();
    try {
      const configPath = this.#project.configPath;
      if (configPath !== undefined && paths.some((p) => p === configPath || basename(p).startsWith(".dev.vars"))) await this.#reloadConfig(configPath);
      const build = await this.#builder.build();
      for (const warning of build.warnings) log(`warning: ${warning}`);
      this.#replace(build);
      log(`rebuilt ${this.#wrangler.name} in ${(performance.now() - started).toFixed(0)} ms after a change to ${paths.map(shortPath).join(", ")}; the next request runs the new version`);
    } catch (error) {
      log(`${error instanceof Error ? error.message : String(error)}\nstill serving the previous version of ${this.#wrangler.name}`);
    } finally {
      this.#rebuilds++;
    }
  }

  async #reloadConfig(configPath: string): Promise<void> {
    const site = loadSiteConfig(configPath, this.#options.env === undefined ? {} : { env: this.#options.env });
    if (site.project === undefined) throw new Error(`${configPath} no longer has a main; keeping the previous configuration`);
    for (const warning of site.warnings) this.#options.log(`warning: ${warning}`);
    const builder = new WorkerBuilder(site.project, site.wrangler);
    void this.#builder.dispose();
    this.#builder = builder;
    this.#wrangler = site.wrangler;
    this.#project = site.project;
  }

  #replace(build: WorkerBuild): void {
    const old = this.#current;
    this.#current = this.#version(build);
    // Live Durable Objects restart on the new code; their storage stays where it is.
    this.#options.objects.restartInstances();
    this.#watcher?.update(this.#watchList(build));
    this.#retire(old);
  }

  /** Disposes a replaced version once its requests (and waitUntil work) are done. */
  #retire(old: Version): void {
    const { clock } = this.#options;
    const deadline = clock.nowMs() + WAIT_UNTIL_MS_MAX;
    const timer = setInterval(() => {
      if (old.workers.inFlight + old.objects.inFlight > 0 && clock.nowMs() < deadline) return;
      clearInterval(timer);
      this.#retiring.delete(timer);
      old.workers.dispose();
      old.objects.dispose();
    }, RETIRE_POLL_MS);
    timer.unref();
    this.#retiring.add(timer);
  }
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function shortPath(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.slice(-2).join("/");
}
