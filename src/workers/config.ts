import type { CacheApiBackend } from "../cache/cache-api.js";
import type { DurableObjectNamespaceApi, KvNamespaceApi } from "../core/bindings.js";
import { ConfigError } from "../core/errors.js";
import { CPU_MS_MAX_DEFAULT, MEMORY_MB_MAX_DEFAULT, MEMORY_MB_MIN } from "./limits.js";

/** What a deployed worker is given: its name, `env` bindings and limits. */
export interface WorkerConfig {
  name: string;
  vars?: Record<string, string>;
  kvNamespaces?: Record<string, KvNamespaceApi>;
  durableObjects?: Record<string, DurableObjectNamespaceApi>;
  /** Behind `caches` (the PoP's cache when deployed on the edge). @defaultValue a cache of the worker's own */
  cache?: CacheApiBackend;
  /** CPU milliseconds per request. @defaultValue 50 */
  cpuMsMax?: number;
  /** Heap megabytes per isolate. @defaultValue 128 */
  memoryMbMax?: number;
}

export interface ResolvedWorkerConfig {
  name: string;
  vars: Record<string, string>;
  kvNamespaces: Record<string, KvNamespaceApi>;
  durableObjects: Record<string, DurableObjectNamespaceApi>;
  /** null: the host bridge makes the worker a cache of its own on first use. */
  cache: CacheApiBackend | null;
  cpuMsMax: number;
  memoryMbMax: number;
}

const BINDING_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Checks a config and fills defaults; a bad value is a user error, reported with its name. */
export function resolveWorkerConfig(config: WorkerConfig): ResolvedWorkerConfig {
  const bad = (message: string): ConfigError => new ConfigError("WORKER_CONFIG_INVALID", `worker "${config.name}": ${message}`);
  if (typeof config.name !== "string" || config.name.length === 0) throw bad("name must be a non-empty string");
  const cpuMsMax = config.cpuMsMax ?? CPU_MS_MAX_DEFAULT;
  if (!Number.isFinite(cpuMsMax) || cpuMsMax <= 0) throw bad(`cpuMsMax is ${cpuMsMax}; it must be a positive number`);
  const memoryMbMax = config.memoryMbMax ?? MEMORY_MB_MAX_DEFAULT;
  if (!Number.isInteger(memoryMbMax) || memoryMbMax < MEMORY_MB_MIN) {
    throw bad(`memoryMbMax is ${memoryMbMax}; it must be an integer >= ${MEMORY_MB_MIN}`);
  }
  const vars = config.vars ?? {};
  const kvNamespaces = config.kvNamespaces ?? {};
  const durableObjects = config.durableObjects ?? {};
  const seen = new Set<string>();
  for (const [kind, names] of [["var", Object.keys(vars)], ["KV namespace", Object.keys(kvNamespaces)], ["Durable Object namespace", Object.keys(durableObjects)]] as const) {
    for (const name of names) {
      if (!BINDING_NAME.test(name)) throw bad(`${kind} binding name "${name}" is not a JavaScript identifier`);
      if (seen.has(name)) throw bad(`binding "${name}" is declared twice`);
      seen.add(name);
    }
  }
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== "string") throw bad(`var "${name}" must be a string, got ${typeof value}`);
  }
  return { name: config.name, vars, kvNamespaces, durableObjects, cache: config.cache ?? null, cpuMsMax, memoryMbMax };
}
