import ivm from "isolated-vm";
import type { Clock } from "../sim/clock.js";
import type { ResolvedWorkerConfig } from "./config.js";
import { cpuWatchdog } from "./cpu-watchdog.js";
import { HostBridge, type LogLine, type OriginFetcher, type Sleeper } from "./host-bridge.js";
import { STARTUP_MS_MAX } from "./limits.js";
import { CLOUDFLARE_WORKERS_MODULE_SOURCE, compileRuntime } from "./runtime-source.js";
import { scriptError } from "./script-error.js";

export type Outcome = "ok" | "exception" | "exceededCpu" | "exceededMemory";

export type EntryPoint =
  | "fetch"
  | "scheduled"
  | "drainWaitUntil"
  | "createDurableObject"
  | "durableObjectFetch"
  | "durableObjectCall"
  | "releaseDurableObject";

export interface RunResult {
  outcome: Outcome;
  /** The entry point's copied return value when `outcome` is "ok". */
  value: unknown;
  /** Why the run did not finish, for the logs. */
  error?: string;
  cpuNs: bigint;
}

const ENTRY_POINTS: EntryPoint[] = ["fetch", "scheduled", "drainWaitUntil", "createDurableObject", "durableObjectFetch", "durableObjectCall", "releaseDurableObject"];
const MIB = 1024 * 1024;

/**
 * One live isolate running one worker script: its own V8 heap, one context, the thin runtime
 * and the script's module. It is disposable: after a limit is exceeded the owner throws it
 * away and builds a new one, so a runaway tenant never poisons later requests.
 */
export class WorkerInstance {
  readonly bridge: HostBridge;
  readonly #isolate: ivm.Isolate;
  readonly #entries: Map<EntryPoint, ivm.Reference<(...args: unknown[]) => unknown>>;
  readonly #memoryBytesMax: number;
  readonly #cpuBudgetNs: bigint;
  #backgroundWatch = false;
  inFlight = 0;
  /** Heap bytes measured when the isolate was last idle. */
  heapBytes = 0;

  private constructor(isolate: ivm.Isolate, bridge: HostBridge, entries: Map<EntryPoint, ivm.Reference<(...args: unknown[]) => unknown>>, memoryMbMax: number, cpuMsMax: number) {
    this.#isolate = isolate;
    this.bridge = bridge;
    this.#entries = entries;
    this.#memoryBytesMax = memoryMbMax * MIB;
    this.#cpuBudgetNs = BigInt(Math.round(cpuMsMax * 1e6));
    bridge.onReply = () => this.#watchBackground();
  }

  /** Cold start: isolate, context, runtime, then compile, link and evaluate the script. */
  static async create(source: string, config: ResolvedWorkerConfig, clock: Clock, origin: OriginFetcher, sleep: Sleeper): Promise<WorkerInstance> {
    const isolate = new ivm.Isolate({ memoryLimit: config.memoryMbMax });
    try {
      const context = isolate.createContextSync();
      const bridge = new HostBridge(config, clock, origin, sleep);
      const setup = compileRuntime(isolate).runSync(context, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
      const api = setup.applySync(
        undefined,
        [new ivm.Reference(bridge.asyncCall), new ivm.Callback(bridge.syncCall), new ivm.Callback(bridge.log, { ignored: true }), clock.nowMs()],
        { result: { reference: true } },
      ) as ivm.Reference<Record<string, unknown>>;
      const entries = new Map(ENTRY_POINTS.map((name) => [name, api.getSync(name, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>]));
      const module = compile(isolate, source, config.name);
      module.instantiateSync(context, (specifier) => {
        if (specifier !== "cloudflare:workers") throw new Error(`cannot import "${specifier}": only "cloudflare:workers" is available`);
        return isolate.compileModuleSync(CLOUDFLARE_WORKERS_MODULE_SOURCE, { filename: "cloudflare:workers" });
      });
      await module.evaluate({ timeout: STARTUP_MS_MAX });
      const install = api.getSync("install", { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
      const spec = { vars: config.vars, kv: Object.keys(config.kvNamespaces), durableObjects: Object.keys(config.durableObjects) };
      install.applySync(undefined, [module.namespace.derefInto(), new ivm.ExternalCopy(spec).copyInto({ release: true })]);
      const instance = new WorkerInstance(isolate, bridge, entries, config.memoryMbMax, config.cpuMsMax);
      instance.#recordHeap(isolate.getHeapStatisticsSync());
      return instance;
    } catch (e) {
      if (!isolate.isDisposed) isolate.dispose();
      throw e;
    }
  }

  get disposed(): boolean {
    return this.#isolate.isDisposed;
  }

  /**
   * Runs one entry point under a CPU budget. A runaway (CPU) or a heap over the limit
   * disposes the isolate; the caller sees the outcome, never an exception.
   */
  async run(entry: EntryPoint, args: unknown[], budgetNs: bigint, logs: LogLine[]): Promise<RunResult> {
    if (this.disposed) return { outcome: "exceededMemory", value: undefined, error: "isolate already disposed", cpuNs: 0n };
    let exceededCpu = false;
    const stop = cpuWatchdog.watch(this.#isolate, budgetNs, () => {
      exceededCpu = true;
      this.dispose();
    });
    this.inFlight++;
    this.bridge.sinks.add(logs);
    try {
      const value = await this.#entries.get(entry)!.apply(undefined, args, { arguments: { copy: true }, result: { copy: true, promise: true } });
      const cpuNs = stop();
      if (this.inFlight === 1) this.#checkHeapWhenIdle();
      return { outcome: "ok", value, cpuNs };
    } catch (e) {
      const cpuNs = stop();
      const message = e instanceof Error ? e.message : String(e);
      if (exceededCpu) return { outcome: "exceededCpu", value: undefined, error: "Worker exceeded CPU time limit.", cpuNs };
      // isolated-vm disposes an isolate that breaks its memoryLimit ("...due to memory limit").
      if (this.disposed || /memory limit/i.test(message)) {
        this.dispose();
        return { outcome: "exceededMemory", value: undefined, error: "Worker exceeded memory limit.", cpuNs };
      }
      return { outcome: "exception", value: undefined, error: message, cpuNs };
    } finally {
      this.inFlight--;
      this.bridge.sinks.delete(logs);
    }
  }

  dispose(): void {
    if (!this.#isolate.isDisposed) this.#isolate.dispose();
  }

  /**
   * A host reply while no run is active resumes code nobody is waiting for (an un-awaited
   * promise, work after the response). It gets the per-request CPU budget too; without this
   * watch a `.then(() => { for (;;) {} })` would spin unobserved and fail the next request.
   */
  #watchBackground(): void {
    if (this.inFlight > 0 || this.#backgroundWatch || this.disposed) return;
    this.#backgroundWatch = true;
    cpuWatchdog.watchUntilIdle(
      this.#isolate,
      this.#cpuBudgetNs,
      () => this.dispose(),
      () => {
        this.#backgroundWatch = false;
      },
    );
  }

  /**
   * `memoryLimit` is advisory (isolated-vm README: a determined script may reach 2-3x), so the
   * heap is also measured after each run. The async form never blocks the host thread on the
   * isolate's lock, which a waitUntil continuation may be holding.
   */
  #checkHeapWhenIdle(): void {
    // Off the response path: the reading is for the pool's budget and for the backstop below.
    this.#isolate.getHeapStatistics().then(
      (stats) => {
        this.#recordHeap(stats);
        // Over the limit yet alive: discard it once idle, so the next request starts fresh.
        if (this.heapBytes > this.#memoryBytesMax && this.inFlight === 0) this.dispose();
      },
      () => {
        // Disposed while measuring: the owner sees `disposed` and rebuilds.
      },
    );
  }

  #recordHeap(stats: ivm.HeapStatistics): void {
    this.heapBytes = stats.used_heap_size + stats.externally_allocated_size;
  }
}

function compile(isolate: ivm.Isolate, source: string, name: string): ivm.Module {
  try {
    return isolate.compileModuleSync(source, { filename: `file:///${name}.js` });
  } catch (e) {
    throw scriptError(e, name);
  }
}
