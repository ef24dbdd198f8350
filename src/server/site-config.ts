import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeError } from "../core/errors.js";
import { isTable, parseToml } from "../workers/toml-subset.js";
import { parseWranglerToml, type WranglerConfig } from "../workers/wrangler-toml.js";

export interface SiteConfig {
  wrangler: WranglerConfig;
  /** The worker's source, or undefined for a site with no worker. */
  script: string | undefined;
  /** `[origin] url = "http://127.0.0.1:3000"`: proxy mode. */
  originUrl: string | undefined;
}

const DEMO_WORKER = join(dirname(fileURLToPath(import.meta.url)), "demo-worker.js");

/** The demo worker's source file (also usable as `main` in a wrangler.toml). */
export const DEMO_WORKER_PATH = DEMO_WORKER;

/** Proxy mode without a config: a pure caching proxy in front of the user's app, no worker. */
export function proxySiteConfig(originUrl: string): SiteConfig {
  return { wrangler: { name: "proxy", vars: {}, kvNamespaces: [], durableObjects: [], crons: [] }, script: undefined, originUrl };
}

/** The demo site: a worker with a KV namespace and a Durable Object class. */
export function demoSiteConfig(): SiteConfig {
  return {
    wrangler: {
      name: "demo",
      vars: { GREETING: "hello from edge-kata" },
      kvNamespaces: [{ binding: "DEMO_KV", id: "demo-kv" }],
      durableObjects: [{ name: "COUNTER", className: "Counter" }],
      crons: [],
    },
    script: readFileSync(DEMO_WORKER, "utf8"),
    originUrl: undefined,
  };
}

/**
 * Reads a wrangler.toml-style file: the Wrangler subset (name, main, kv_namespaces,
 * durable_objects.bindings, migrations, vars, triggers.crons, limits.cpu_ms) plus an `[origin]` table
 * for proxy mode. `main` is resolved next to the file.
 */
export function loadSiteConfig(path: string): SiteConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new EdgeError("CONFIG_NOT_FOUND", 2, `cannot read ${path}: ${(error as Error).message}`);
  }
  const wrangler = parseWranglerToml(text);
  const origin = parseToml(text)["origin"];
  let originUrl: string | undefined;
  if (origin !== undefined) {
    if (!isTable(origin) || typeof origin["url"] !== "string") throw new EdgeError("CONFIG_INVALID", 2, `${path}: [origin] needs url = "http://127.0.0.1:PORT"`);
    originUrl = origin["url"];
  }
  let script: string | undefined;
  if (wrangler.main !== undefined) {
    const main = isAbsolute(wrangler.main) ? wrangler.main : resolve(dirname(path), wrangler.main);
    try {
      script = readFileSync(main, "utf8");
    } catch (error) {
      throw new EdgeError("CONFIG_INVALID", 2, `${path}: main = "${wrangler.main}" cannot be read: ${(error as Error).message}`);
    }
  }
  return { wrangler, script, originUrl };
}
