import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../core/errors.js";
import { fact, SOURCES } from "../facts/index.js";
import { parseWranglerToml, type WranglerConfig, wranglerDefaults } from "../workers/wrangler-toml.js";
import { readDevVars } from "./dev-vars.js";

/** Where a worker's code lives: the project folder (the config file's) and its entry point. */
export interface WorkerProject {
  /** The folder wrangler runs in: the config file's folder. */
  root: string;
  /** The entry point, absolute. */
  main: string;
  /** The config file, when there is one (it is watched with the code). */
  configPath?: string;
}

export interface SiteConfig {
  wrangler: WranglerConfig;
  /** The worker to build and run, or undefined for a site with no worker. */
  project: WorkerProject | undefined;
  /** `[origin] url = "http://127.0.0.1:3000"`: proxy mode. */
  originUrl: string | undefined;
  /** What the config reader warned about, each with its line. */
  warnings: string[];
}

const DEMO_WORKER = join(dirname(fileURLToPath(import.meta.url)), "demo-worker.js");

/** The demo worker's source file (also usable as `main` in a wrangler.toml). */
export const DEMO_WORKER_PATH = DEMO_WORKER;

/** Proxy mode without a config: a pure caching proxy in front of the user's app, no worker. */
export function proxySiteConfig(originUrl: string): SiteConfig {
  return { wrangler: wranglerDefaults("proxy"), project: undefined, originUrl, warnings: [] };
}

/** The demo site: a worker with a KV namespace and a Durable Object class. */
export function demoSiteConfig(): SiteConfig {
  const wrangler: WranglerConfig = {
    ...wranglerDefaults("demo"),
    // The demo explains the limits it meets with the registry's words and sources, not its own.
    vars: {
      GREETING: "hello from edge-kata",
      KV_WRITE_LIMIT: `${fact("kv.writesPerKeyPerSecond").claim} A second visit within the same second is refused with 429, so the count is shown but not stored. (${SOURCES["cf-kv-limits"].url})`,
      DO_PLACEMENT: `A Durable Object is created near the PoP of the first request for it and stays there; every later request travels to it, wherever it comes from. (${SOURCES["cf-do-data-location"].url})`,
    },
    kvNamespaces: [{ binding: "DEMO_KV", id: "demo-kv" }],
    durableObjects: [{ name: "COUNTER", className: "Counter" }],
  };
  return { wrangler, project: { root: dirname(DEMO_WORKER), main: DEMO_WORKER }, originUrl: undefined, warnings: [] };
}

/**
 * Reads a wrangler.toml file (see `parseWranglerToml` for what it supports) with the
 * `[env.<name>]` section `env` applied, and the secrets of `.dev.vars` beside it added to its
 * vars (they win, as in wrangler dev). `main` is resolved next to the file and must exist.
 */
export function loadSiteConfig(path: string, options: { env?: string } = {}): SiteConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError("CONFIG_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`);
  }
  const { config: wrangler, warnings } = parseWranglerToml(text, options);
  const root = dirname(resolve(path));
  const devVars = readDevVars(root, options.env);
  if (devVars !== undefined) {
    // defineProperty, not assignment: a var called __proto__ stays a var.
    for (const [key, value] of Object.entries(devVars.vars)) Object.defineProperty(wrangler.vars, key, { value, enumerable: true, writable: true, configurable: true });
  }
  let project: WorkerProject | undefined;
  if (wrangler.main !== undefined) {
    const main = isAbsolute(wrangler.main) ? wrangler.main : resolve(root, wrangler.main);
    try {
      readFileSync(main);
    } catch (error) {
      throw new ConfigError("CONFIG_INVALID", `${path}: main = "${wrangler.main}" cannot be read: ${(error as Error).message}`);
    }
    project = { root, main, configPath: resolve(path) };
  }
  return { wrangler, project, originUrl: wrangler.originUrl, warnings };
}
