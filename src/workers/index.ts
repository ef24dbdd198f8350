/**
 * Workers runtime: runs untrusted Cloudflare module workers (`export default { fetch }`) in
 * V8 isolates through isolated-vm. Each script gets its own isolate and heap, workerd's Web API
 * (checked member by member against @cloudflare/workers-types) whose heavy classes are compiled
 * in lazily on first use and whose heavy work (URL parsing, Web Crypto, zlib) calls the host
 * with copied primitives, and
 * `env` bindings bridged to KV and Durable Objects. CPU time (isolate CPU, not wall time) and
 * heap are limited per request; a runaway isolate is discarded and the tenant answers 1102
 * while others keep serving. `IsolatePool` keeps many tenants warm under a memory budget, and
 * `runInChildProcess` is the one-process-per-cold-start baseline for comparison.
 * `spareIsolates` keeps one tenant-less isolate (runtime loaded and warmed up) ready, so the
 * next cold start only compiles the script.
 */
export { type WorkerConfig, type ResolvedWorkerConfig, resolveWorkerConfig } from "./config.js";
export { type LogLine, type OriginFetcher, type Sleeper } from "./host-bridge.js";
export { type Outcome } from "./worker-instance.js";
export { type WorkerResult, type ScheduledResult } from "./worker-result.js";
export { Worker, type FetchOptions, type WorkerOptions } from "./worker.js";
export { headerPairs, type HeaderPairs } from "./http-wire.js";
export { type WorkerScript, type WorkerModule, type ModuleType, scriptFromSource } from "./worker-script.js";
export { NODE_COMPAT_MODULES } from "./node-modules.js";
export {
  CPU_MS_MAX_DEFAULT,
  MEMORY_MB_MAX_DEFAULT,
  STARTUP_MS_MAX,
  WAIT_UNTIL_MS_MAX,
  WEB_SOCKET_MESSAGE_BYTES_MAX,
  ERROR_1101_BODY,
  ERROR_1102_BODY,
} from "./limits.js";
export { IsolatePool, type IsolatePoolOptions, type IsolatePoolStats } from "./isolate-pool.js";
export {
  parseWranglerToml,
  wranglerDefaults,
  type WranglerConfig,
  type WranglerToml,
  type ModuleRule,
  type ModuleRuleType,
  type CustomBuild,
  type DurableObjectMigration,
} from "./wrangler-toml.js";
export { runInChildProcess, type ChildRunResult, CHILD_PROCESS_TIMEOUT_MS } from "./process-baseline.js";
export { loadWorker, workerConfigFromWrangler } from "./load-worker.js";
export { spareIsolates } from "./spare-isolates.js";
export { type HostWebSocket, type ClientSocket, webSocketOf, attachClient } from "./web-sockets.js";
