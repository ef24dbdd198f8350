import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DurableObjectRuntime } from "../durable-objects/index.js";
import { Edge, WallSim, type OriginHandler } from "../edge/index.js";
import { KvStore, MemoryKvBackend, TableKvBackend, type KvBackend } from "../kv/index.js";
import { createProxyOrigin } from "../proxy/index.js";
import { LatencyModel, POPS, Rng, WallClock } from "../sim/index.js";
import { MemoryStorageEngine, SqliteStorage, type StorageEngine } from "../storage/index.js";
import { FileObjectDatabases, MemoryObjectDatabases, type DatabaseSettings, type ObjectDatabases } from "../storage/object-databases.js";
import { backendOf, planMigrations } from "../durable-objects/migrations.js";
import { DO_PITR_WINDOW_MS, DO_SQL_COLUMNS_MAX, DO_SQL_VALUE_BYTES_MAX, DO_SQLITE_DATABASE_BYTES_MAX } from "../durable-objects/limits.js";
import { spareIsolates } from "../workers/index.js";
import { CRS_INSTALL_HINT, CrsRuleset, findCrs } from "../waf/index.js";
import { demoOrigin } from "./demo-origin.js";
import { startHttpServer, type Handler } from "./http-server.js";
import { demoSiteConfig, loadSiteConfig, proxySiteConfig, type SiteConfig } from "./site-config.js";
import { statusRoutes } from "./status-routes.js";
import { TrafficLog } from "./traffic-log.js";
import { WorkerDeployment } from "./worker-deployment.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface EdgeServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Proxy mode: the local app to put the edge in front of. */
  originUrl?: string;
  /** A wrangler.toml-style file (worker, bindings, `[origin]`). @defaultValue the demo site */
  configPath?: string;
  /** The `[env.<name>]` section of `configPath` to apply. */
  env?: string;
  /** Rebuild the worker when a file of its bundle changes (`--watch`). @defaultValue false */
  watch?: boolean;
  /** Where build, reload and config messages go. @defaultValue stderr, prefixed "edge-kata: " */
  log?: (line: string) => void;
  /** Where KV and Durable Object storage persist (SQLite); ":memory:" keeps nothing. @defaultValue ".edge-data" */
  dataDir?: string;
  /** Seeds the AS graph and modelled jitter. @defaultValue 2026 */
  seed?: number;
  /** Seeds `cf-ray` ids. @defaultValue fresh random bytes at each start */
  raySeed?: string;
  /**
   * The managed rules: an OWASP CRS directory, "auto" (Debian's modsecurity-crs package when
   * installed, as `npm start` does), or "off" for the built-in rules. @defaultValue "off"
   */
  crs?: string;
  /** CRS paranoia level. @defaultValue 1 */
  paranoiaLevel?: number;
}

export interface RunningEdgeServer {
  readonly url: string;
  readonly edge: Edge;
  /** The user's worker as built and served (undefined for a site without one). */
  readonly deployment: WorkerDeployment | undefined;
  close(): Promise<void>;
}

/**
 * `npm start`: the whole pipeline on the wall clock behind a real HTTP server on loopback.
 * KV and Durable Object storage persist in SQLite, so data survives restarts; the book is
 * served at /book/ through the pipeline (and so through the cache).
 */
/**
 * The managed ruleset the server runs: the CRS when it is there, said on start-up either way.
 * `--crs`/`--paranoia` win over the config file's `[waf]`; a relative `[waf] crs` directory is
 * read next to the config file.
 */
function managedRules(options: EdgeServerOptions, site: SiteConfig, log: (line: string) => void): { crs?: CrsRuleset } {
  const file = site.wrangler.waf;
  const fromFile = options.crs === undefined && file?.crs !== undefined && !["auto", "off"].includes(file.crs);
  const choice = options.crs ?? (fromFile && options.configPath !== undefined ? resolve(dirname(options.configPath), file!.crs!) : file?.crs);
  if (choice === undefined || choice === "off") return {};
  if (choice === "auto" && findCrs() === undefined) {
    log(`WAF managed rules: built-in; for the OWASP Core Rule Set, ${CRS_INSTALL_HINT}`);
    return {};
  }
  const paranoiaLevel = options.paranoiaLevel ?? file?.paranoiaLevel;
  const crs = new CrsRuleset({
    ...(choice === "auto" ? {} : { dir: choice }),
    ...(paranoiaLevel === undefined ? {} : { paranoiaLevel }),
    ...(file?.inboundThreshold === undefined ? {} : { inboundThreshold: file.inboundThreshold }),
  });
  log(`WAF managed rules: ${crs.describe()}`);
  for (const r of crs.summary.refused) log(`  refused rule ${r.id} (${r.file}:${r.line}): ${r.reason}`);
  return { crs };
}

export async function startEdgeServer(options: EdgeServerOptions): Promise<RunningEdgeServer> {
  // `--origin` alone is a caching proxy in front of the user's app; a worker comes from --config.
  const site: SiteConfig = options.configPath
    ? loadSiteConfig(options.configPath, options.env === undefined ? {} : { env: options.env })
    : options.originUrl
      ? proxySiteConfig(options.originUrl)
      : demoSiteConfig();
  const log = options.log ?? ((line: string): void => console.error(`edge-kata: ${line}`));
  for (const warning of site.warnings) log(`warning: ${warning}`);
  // The managed rules load before the port is taken: a bad [waf] crs directory fails cleanly.
  const waf = managedRules(options, site, log);
  // Take the port first, so a busy one is reported at once, before any build or storage opens.
  // Until the pipeline is ready (a moment; the URL is printed only then) requests get a 503.
  let serve: Handler | undefined;
  const http = await startHttpServer({
    host: options.host,
    port: options.port,
    handler: (request, ctx) => (serve ? serve(request, ctx) : Promise.resolve(new Response("starting\n", { status: 503, headers: { "retry-after": "1" } }))),
  });
  const originUrl = options.originUrl ?? site.originUrl;
  // The first cold start (each PoP's first request builds its worker's isolate) finds a spare.
  spareIsolates.prime();
  const seed = options.seed ?? 2026;
  const rng = new Rng(seed);
  const clock = new WallClock();
  const wall = new WallSim(clock);
  let storage: OpenedStorage;
  try {
    storage = openStorage(options.dataDir ?? join(REPO_ROOT, ".edge-data"));
  } catch (error) {
    await http.close();
    wall.close();
    throw error;
  }
  const kv = new KvStore({ clock, rng: rng.fork("kv"), pops: POPS.map((p) => p.code), backend: storage.kv });
  const objects = new DurableObjectRuntime({
    sim: wall,
    latency: new LatencyModel({ rng: rng.fork("do-latency") }),
    pops: POPS,
    engine: storage.engine,
    databases: storage.databases(() => clock.nowMs()),
    rng: rng.fork("durable-objects"),
  });

  const proxy = originUrl ? createProxyOrigin({ originUrl }) : undefined;
  // The book is built on first use, after the server is already answering everything else.
  let book: Promise<string> | undefined;
  const bookDir = (): Promise<string> =>
    (book ??= ensureBook().catch((error: unknown) => {
      book = undefined; // a failed build is retried by the next /book/ request
      throw error;
    }));
  const demo = demoOrigin({ clock, bookDir });
  const origin: OriginHandler = (request, ctx) =>
    new URL(request.url).pathname.startsWith("/book") || !proxy ? demo(request, ctx) : proxy(request, ctx);
  const edge = new Edge({
    clock,
    seed,
    // Drawn once per process start (the wall-clock side, like WallClock), so cf-ray ids never
    // repeat across restarts; a simulation leaves it out and replays its ids from the seed.
    raySeed: options.raySeed ?? randomBytes(8).toString("hex"),
    origin,
    waf,
    ...(site.wrangler.smartRouting === true ? { smartRouting: true } : {}),
    onWorkerResult: (pop, result) => {
      // A learner's worker that throws or hits a limit must say why, not only "1101".
      if (result.outcome === "ok") return;
      console.error(`worker at ${pop}: ${result.outcome}`);
      for (const line of result.logs) console.error(`  [${line.level}] ${line.message}`);
    },
  });

  let deployment: WorkerDeployment | undefined;
  if (site.project !== undefined) {
    try {
      // [[migrations]] fix each class's storage backend once; the tags applied are remembered
      // in the data directory, so an edited history is refused on the next start.
      const plan = planMigrations(site.wrangler.migrations, storage.migrationTags());
      storage.recordMigrationTags(plan.tags);
      deployment = await WorkerDeployment.start({
        project: site.project,
        wrangler: site.wrangler,
        objectStorage: (className) => backendOf(plan, className),
        ...(options.env === undefined ? {} : { env: options.env }),
        clock,
        edge,
        kv,
        objects,
        watch: options.watch ?? false,
        log,
      });
    } catch (error) {
      await http.close();
      wall.close();
      storage.close();
      throw error;
    }
    edge.attachWorker(deployment);
  }

  const traffic = new TrafficLog();
  const routes = statusRoutes({ edge, kv, site, originUrl, deployment, traffic });
  serve = async (request, ctx) => {
    const url = new URL(request.url);
    const internal = await routes(request, url);
    if (internal) return internal;
    // No "?" in the URL: no query, so no `?pop=` (skips building searchParams on every request).
    const pop = (url.search === "" ? null : url.searchParams.get("pop")) ?? request.headers.get("cf-pop") ?? undefined;
    const result = await edge.handle(request, { clientIp: ctx.clientIp, httpProtocol: ctx.httpProtocol, ...(pop ? { pop } : {}) });
    traffic.record({ atMs: clock.nowMs(), method: request.method, path: url.pathname, pop: result.pop, status: result.response.status, cacheStatus: result.response.headers.get("cf-cache-status") ?? "", dropped: result.drop });
    return result.drop ? null : result.response;
  };
  return {
    url: http.url,
    edge,
    deployment,
    close: async () => {
      await http.close();
      edge.attachWorker(undefined);
      proxy?.close();
      wall.close();
      storage.close();
    },
  };
}

interface OpenedStorage {
  engine: StorageEngine;
  kv: KvBackend;
  /** One SQLite database per SQLite-backed object: files under `objects/`, or in memory. */
  databases(nowMs: () => number): ObjectDatabases;
  migrationTags(): string[];
  recordMigrationTags(tags: readonly string[]): void;
  close(): void;
}

function openStorage(dataDir: string): OpenedStorage {
  let databases: ObjectDatabases | undefined;
  const settings = (nowMs: () => number): DatabaseSettings => ({
    nowMs,
    rowBytesMax: DO_SQL_VALUE_BYTES_MAX,
    columnsMax: DO_SQL_COLUMNS_MAX,
    databaseBytesMax: DO_SQLITE_DATABASE_BYTES_MAX,
    historyWindowMs: DO_PITR_WINDOW_MS,
  });
  if (dataDir === ":memory:") {
    return {
      engine: new MemoryStorageEngine(),
      kv: new MemoryKvBackend(),
      databases: (nowMs) => (databases = new MemoryObjectDatabases(settings(nowMs))),
      migrationTags: () => [],
      recordMigrationTags: () => undefined,
      close: () => databases?.close(),
    };
  }
  mkdirSync(dataDir, { recursive: true });
  const db = SqliteStorage.open(join(dataDir, "edge.sqlite"));
  return {
    engine: db,
    kv: new TableKvBackend((ns) => db.kvTable(ns)),
    databases: (nowMs) => (databases = new FileObjectDatabases(join(dataDir, "objects"), settings(nowMs))),
    migrationTags: () => db.migrationTags(),
    recordMigrationTags: (tags) => db.recordMigrationTags(tags),
    close: () => {
      databases?.close();
      db.close();
    },
  };
}

/** The book is served from dist/book; build it on first start. */
async function ensureBook(): Promise<string> {
  const dir = join(REPO_ROOT, "dist", "book");
  if (!existsSync(join(dir, "index.html"))) {
    const { buildBook } = (await import(pathToFileURL(join(REPO_ROOT, "book", "build.ts")).href)) as { buildBook(out?: string): Promise<unknown> };
    await buildBook(dir);
  }
  return dir;
}
