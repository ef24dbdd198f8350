import type { KvNamespaceApi, DurableObjectNamespaceApi } from "../core/bindings.js";
import { ConfigError } from "../core/errors.js";
import type { WorkerConfig } from "./config.js";
import type { WranglerConfig } from "./wrangler-toml.js";
import { Worker, type WorkerOptions } from "./worker.js";

/** Deploys a script: checks config and syntax now, builds the isolate on the first request. */
export function loadWorker(source: string, config: WorkerConfig, options: WorkerOptions = {}): Worker {
  return new Worker(source, config, options);
}

/**
 * Builds a `WorkerConfig` from a parsed wrangler.toml and the host objects that back its
 * bindings (KV namespaces by id, Durable Object namespaces by class name).
 */
export function workerConfigFromWrangler(
  wrangler: WranglerConfig,
  hosts: { kvById?: Record<string, KvNamespaceApi>; durableObjectsByClass?: Record<string, DurableObjectNamespaceApi> } = {},
): WorkerConfig {
  const kvNamespaces: Record<string, KvNamespaceApi> = {};
  for (const { binding, id } of wrangler.kvNamespaces) {
    const kv = hosts.kvById?.[id];
    if (kv === undefined) throw new ConfigError("WORKER_CONFIG_INVALID", `KV binding ${binding}: no namespace with id "${id}"`);
    kvNamespaces[binding] = kv;
  }
  const durableObjects: Record<string, DurableObjectNamespaceApi> = {};
  for (const { name, className } of wrangler.durableObjects) {
    const ns = hosts.durableObjectsByClass?.[className];
    if (ns === undefined) throw new ConfigError("WORKER_CONFIG_INVALID", `Durable Object binding ${name}: no namespace for class "${className}"`);
    durableObjects[name] = ns;
  }
  const config: WorkerConfig = { name: wrangler.name, vars: wrangler.vars, kvNamespaces, durableObjects };
  if (wrangler.cpuMsMax !== undefined) config.cpuMsMax = wrangler.cpuMsMax;
  return config;
}
