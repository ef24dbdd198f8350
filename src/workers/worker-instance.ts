import ivm from "isolated-vm";
import type { Clock } from "../sim/clock.js";
import type { ResolvedWorkerConfig } from "./config.js";
import { cpuWatchdog } from "./cpu-watchdog.js";
import { HostBridge, type LogLine, type OriginFetcher, type Sleeper } from "./host-bridge.js";
import { CPU_WATCHDOG_INTERVAL_MS, STARTUP_MS_MAX } from "./limits.js";
import { ModuleLinker } from "./module-linker.js";
import { scriptError } from "./script-error.js";
import { type Completion, entryReference, prepareIsolate, spareIsolates } from "./spare-isolates.js";
import type { SocketEvent } from "./web-sockets.js";
import type { WorkerScript } from "./worker-script.js";

export type Outcome = "ok" | "exception" | "exceededCpu" | "exceededMemory";

export type EntryPoint =
  | "fetch"
  | "scheduled"
  | "drainWaitUntil"
  | "createDurableObject"
  | "durableObjectFetch"
  | "durableObjectCall"
  | "releaseDurableObject"
  | "webSocketEvent";

export interface RunResult {
  outcome: Outcome;
  /** The entry point's copied return value when `outcome` is "ok". */
  value: unknown;
  /** Why the run did not finish, for the logs. */
  error?: string;
  cpuNs: bigint;
  /**
   * The entry answered, but code queued behind its answer in the same turn (waitUntil work, say)
   * then ran out of CPU and was stopped; the isolate is gone. Its other pending work will not run.
   */
  stoppedAfterAnswer?: true;
}

type Settled = { ok: boolean; value: unknown };

/**
 * How a synchronous start ended: settled inline; settled, and then timed out on work queued
 * behind the answer; timed out; or pending host I/O (`rest`).
 */
type Started =
  | ({ kind: "settled" } & Settled)
  | ({ kind: "settledThenTimedOut" } & Settled)
  | { kind: "timedOut" }
  | { kind: "pending"; rest: () => Promise<unknown> };

/**
 * Slack on top of the CPU budget, as the sampling watchdog kills only on the second sample
 * over budget.
 */
const SYNC_GRACE_MS = 2 * CPU_WATCHDOG_INTERVAL_MS;
const SYNC_GRACE_NS = BigInt(SYNC_GRACE_MS) * 1_000_000n;

/**
 * The synchronous part's timeout is wall time, and on a loaded machine a request can be
 * preempted for longer than it runs; so the wall-clock bound is twice the budget (a runaway
 * still stops within it) and the budget itself is checked against the isolate's CPU clock
 * once the part has returned.
 */
const SYNC_WALL_FACTOR = 2;

const MIB = 1024 * 1024;

/**
 * When the heap is read after a run (see `#heapWorthReading`): always once the last reading
 * was over half the limit; otherwise once the isolate has run this much CPU since, or this many
 * runs, whichever comes first. Going from under half the limit to over it means allocating at
 * least half the limit (8 MiB at the smallest limit tested, 64 MiB at Cloudflare's 128 MB) of
 * JavaScript heap, which takes far more than 1 ms of CPU (V8 allocates and fills on the order of
 * 1 GB/s); ArrayBuffers are refused at allocation by isolated-vm's limited allocator. The run
 * count bounds what reaches the heap without being charged to the isolate's CPU clock.
 */
const HEAP_READ_CPU_NS = 1_000_000n;
const HEAP_READ_RUNS = 16;

/** Lines of WebSocket handlers' console output kept per isolate (this platform's choice). */
const SOCKET_LOG_LINES_KEPT = 200;

/**
 * One live isolate running one worker script: its own V8 heap, one context, the thin runtime
 * and the script's module. It is disposable: after a limit is exceeded the owner throws it
 * away and builds a new one, so a runaway tenant never poisons later requests.
 */
export class WorkerInstance {
  readonly bridge: HostBridge;
  readonly #isolate: ivm.Isolate;
  readonly #start: ivm.Reference<(...args: unknown[]) => unknown>;
  readonly #wait: ivm.Reference<(...args: unknown[]) => unknown>;
  readonly #completions: Map<number, Completion>;
  readonly #flushIo: ivm.Reference<(...args: unknown[]) => unknown>;
  readonly #flushIoAll: ivm.Reference<(...args: unknown[]) => unknown>;
  /** The runtime deferred I/O continuations to the host's turn (see `deferIo` in runtime/bridge.js). */
  #ioPending = false;
  #nextToken = 1;
  readonly #memoryBytesMax: number;
  readonly #cpuBudgetNs: bigint;
  #backgroundWatch = false;
  /**
   * Why the isolate was discarded, when this class did it: a CPU overrun or a heap over the
   * limit, or the owner's `dispose()`. Null while it lives, and when isolated-vm disposed it
   * itself, which it does only for breaking `memoryLimit`.
   */
  #discardedFor: "cpu" | "memory" | "owner" | null = null;
  inFlight = 0;
  /** Heap bytes measured when the isolate was last idle and the heap was read (`#heapWorthReading`). */
  heapBytes = 0;
  /** Isolate CPU and runs since the heap was last read. */
  #cpuSinceHeapNs = 0n;
  #runsSinceHeap = 0;

  private constructor(isolate: ivm.Isolate, bridge: HostBridge, api: ivm.Reference<Record<string, unknown>>, completions: Map<number, Completion>, io: { onQueued: () => void }, memoryMbMax: number, cpuMsMax: number) {
    this.#isolate = isolate;
    this.bridge = bridge;
    this.#start = entryReference(api, "start");
    this.#wait = entryReference(api, "wait");
    this.#completions = completions;
    this.#flushIo = entryReference(api, "flushIo");
    this.#flushIoAll = entryReference(api, "flushIoAll");
    io.onQueued = () => {
      this.#ioPending = true;
    };
    this.#memoryBytesMax = memoryMbMax * MIB;
    this.#cpuBudgetNs = BigInt(Math.round(cpuMsMax * 1e6));
    bridge.onReply = () => this.#watchBackground();
    bridge.sockets.run = (handle, event) => this.#socketEvent(handle, event);
  }

  /**
   * A WebSocket event (a client's message, a close) runs the end's listeners or its Durable
   * Object's handler under the same CPU budget as a request. What they log is kept in
   * `bridge.socketLogs`; an exception there is logged, and a limit discards the isolate, which
   * closes its WebSockets with 1011.
   */
  async #socketEvent(handle: number, event: SocketEvent): Promise<void> {
    if (this.disposed) return;
    const logs: LogLine[] = [];
    const run = await this.run("webSocketEvent", [handle, event, this.bridge.nowMs()], this.#cpuBudgetNs, logs);
    if (run.outcome !== "ok") logs.push({ level: "error", message: run.error ?? run.outcome });
    else if ((run.value as { kind?: string; message?: string }).kind === "exception") logs.push({ level: "error", message: String((run.value as { message?: string }).message) });
    const kept = this.bridge.socketLogs;
    kept.push(...logs);
    if (kept.length > SOCKET_LOG_LINES_KEPT) kept.splice(0, kept.length - SOCKET_LOG_LINES_KEPT);
  }

  /**
   * Cold start: isolate, context and runtime (taken ready-made from `spareIsolates` when one
   * is waiting), then compile, link and evaluate the script.
   */
  static async create(script: WorkerScript, config: ResolvedWorkerConfig, clock: Clock, origin: OriginFetcher, sleep: Sleeper): Promise<WorkerInstance> {
    const prepared = spareIsolates.take(config.memoryMbMax) ?? prepareIsolate(config.memoryMbMax, clock.nowMs());
    const { isolate, context, api } = prepared;
    try {
      const bridge = new HostBridge(config, clock, origin, sleep);
      if (script.remapStack !== undefined) bridge.remapStack = script.remapStack;
      prepared.attach(bridge);
      entryReference(api, "begin").applySync(undefined, [clock.nowMs()]);
      const module = compile(isolate, script, config.name);
      module.instantiateSync(context, new ModuleLinker(isolate, context, script).resolve);
      module.evaluateSync({ timeout: STARTUP_MS_MAX });
      const spec = { vars: config.vars, kv: Object.keys(config.kvNamespaces), durableObjects: Object.keys(config.durableObjects) };
      entryReference(api, "install").applySync(undefined, [module.namespace.derefInto(), new ivm.ExternalCopy(spec).copyInto({ release: true })]);
      const instance = new WorkerInstance(isolate, bridge, api, prepared.completions, prepared.io, config.memoryMbMax, config.cpuMsMax);
      instance.#recordHeap(instance.#heapStatisticsNow());
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
   *
   * An idle isolate is entered synchronously on the host thread (`applySync`, its microtasks
   * included), so a handler that needs no host I/O (hello world, a redirect, a cached KV read
   * answered inline) completes without the two thread hops an async call costs. Only what is
   * still pending when that call returns is awaited, under the sampling watchdog.
   */
  async run(entry: EntryPoint, args: unknown[], budgetNs: bigint, logs: LogLine[]): Promise<RunResult> {
    if (this.disposed) return { ...this.#lostIsolate(), cpuNs: 0n };
    // Entering synchronously is safe only when no code of this isolate can be running on its
    // own thread: nothing in flight and no background continuation being watched.
    const idle = this.inFlight === 0 && !this.#backgroundWatch;
    let exceededCpu = false;
    let syncCpuNs = 0n;
    let stop: (() => bigint) | null = null;
    const watch = (remainingNs: bigint): void => {
      stop = cpuWatchdog.watch(this.#isolate, remainingNs > 0n ? remainingNs : 1n, () => {
        exceededCpu = true;
        this.#discard("cpu");
      });
    };
    const charged = (): bigint => syncCpuNs + (stop === null ? 0n : (stop as () => bigint)());
    this.inFlight++;
    this.bridge.sinks.add(logs);
    try {
      let value: unknown;
      if (idle) {
        const cpu0 = this.#isolate.cpuTime;
        let started: Started;
        try {
          started = this.#startSync(entry, args, budgetNs);
        } finally {
          syncCpuNs = this.#isolate.isDisposed ? 0n : this.#isolate.cpuTime - cpu0;
        }
        if (started.kind === "settledThenTimedOut" && started.ok) {
          // The answer was in before the turn ran out of time: it goes out, and the isolate,
          // whose queued work V8 has dropped, is replaced (Cloudflare: waitUntil work is cut off).
          this.bridge.log("error", "Work queued after the response (ctx.waitUntil or an un-awaited promise) exceeded the CPU time limit and was stopped.");
          this.#discard("cpu");
          return { outcome: "ok", value: started.value, cpuNs: syncCpuNs, stoppedAfterAnswer: true };
        }
        if (started.kind === "timedOut" || started.kind === "settledThenTimedOut" || syncCpuNs > budgetNs + SYNC_GRACE_NS) {
          exceededCpu = true;
          throw new Error("Worker exceeded CPU time limit.");
        }
        if (started.kind === "pending") {
          watch(budgetNs - syncCpuNs);
          value = await started.rest();
        } else if (started.ok) {
          value = started.value;
        } else {
          throw new Error(String(started.value));
        }
      } else {
        watch(budgetNs);
        value = await this.#startAsync(entry, args);
      }
      const cpuNs = charged();
      if (this.#heapWorthReading(cpuNs) && this.inFlight === 1) this.#checkHeapWhenIdle(idle);
      return { outcome: "ok", value, cpuNs };
    } catch (e) {
      const cpuNs = charged();
      const message = e instanceof Error ? e.message : String(e);
      if (exceededCpu) {
        this.#discard("cpu");
        return { outcome: "exceededCpu", value: undefined, error: "Worker exceeded CPU time limit.", cpuNs };
      }
      // isolated-vm disposes an isolate that breaks its memoryLimit ("...due to memory limit").
      if (/memory limit/i.test(message)) this.#discard("memory");
      if (this.disposed) return { ...this.#lostIsolate(), cpuNs };
      return { outcome: "exception", value: undefined, error: message, cpuNs };
    } finally {
      this.inFlight--;
      this.bridge.sinks.delete(logs);
      if (this.#ioPending) this.#flushLater();
    }
  }

  /**
   * Starts `entry` on the host thread. The synchronous part, microtasks included, is bounded by
   * isolated-vm's `timeout` (wall time: this code's CPU time plus any preemption, hence
   * SYNC_WALL_FACTOR; `run` checks the CPU actually used against the budget afterwards).
   */
  #startSync(entry: EntryPoint, args: unknown[], budgetNs: bigint): Started {
    const { token, settledNow, late } = this.#expectCompletion();
    const timeoutMs = SYNC_WALL_FACTOR * Math.ceil(Number(budgetNs) / 1e6) + SYNC_GRACE_MS;
    const deadline = performance.now() + timeoutMs;
    // The host's turn: the entry, then the I/O continuations it deferred, one at a time, until it
    // answers (the event loop a request would see, without its thread hops).
    let step: () => unknown = () => this.#start.applySync(undefined, [token, entry, args, true], { arguments: { copy: true }, timeout: timeoutMs });
    for (;;) {
      // Set again by the runtime's callback if the step queues more (during its microtasks).
      this.#ioPending = false;
      try {
        const left = step();
        if (typeof left === "number" && left > 0) this.#ioPending = true;
      } catch (e) {
        if (this.#isolate.isDisposed) {
          this.#completions.delete(token);
          throw e;
        }
        if (/timed out/i.test(e instanceof Error ? e.message : String(e))) {
          this.#completions.delete(token);
          // The entry may have answered before the work queued behind it ran out of time.
          const answered = settledNow();
          return answered === null ? { kind: "timedOut" } : { kind: "settledThenTimedOut", ...answered };
        }
        this.#unhandledRejection(e);
      }
      if (!this.#ioPending || settledNow() !== null) break;
      const remainingMs = Math.max(1, Math.ceil(deadline - performance.now()));
      step = () => this.#flushIo.applySync(undefined, [], { timeout: remainingMs });
    }
    // Continuations still deferred belong to work after the answer: they run on the isolate's
    // own thread once this run is over, watched like any background work (see `run`).
    const inline = settledNow();
    if (inline !== null) return { kind: "settled", ...inline };
    return { kind: "pending", rest: this.#rest(token, late) };
  }

  /** Runs the I/O continuations still deferred, on the isolate's thread, under the background watch. */
  #flushLater(): void {
    this.#ioPending = false;
    if (this.disposed) return;
    this.#watchBackground();
    this.#flushIoAll.apply(undefined, []).catch((e: unknown) => {
      if (!this.#isolate.isDisposed) this.#unhandledRejection(e);
    });
  }

  /** Starts `entry` on the isolate's own thread (another request is in flight there). */
  #startAsync(entry: EntryPoint, args: unknown[]): Promise<unknown> {
    const { token, late } = this.#expectCompletion();
    this.#start.apply(undefined, [token, entry, args, false], { arguments: { copy: true } }).catch((e: unknown) => {
      if (!this.#isolate.isDisposed) this.#unhandledRejection(e);
    });
    return this.#rest(token, late)();
  }

  /** A token for the runtime's completion report, and its result now (if in) or later. */
  #expectCompletion(): { token: number; settledNow: () => Settled | null; late: Promise<Settled> } {
    const token = this.#nextToken++;
    let settled: Settled | null = null;
    let resolveLate: (result: Settled) => void = () => {};
    const late = new Promise<Settled>((resolve) => {
      resolveLate = resolve;
    });
    this.#completions.set(token, (ok, value) => {
      settled = { ok, value };
      resolveLate(settled);
    });
    return { token, settledNow: () => settled, late };
  }

  /**
   * The rest of a pending entry. `wait` hands over its promise, whose result is copied out (and
   * which rejects if the isolate is disposed meanwhile), unless the runtime already reported
   * through the completion callback.
   */
  #rest(token: number, late: Promise<Settled>): () => Promise<unknown> {
    const waited = this.#wait.apply(undefined, [token], { arguments: { copy: true }, result: { copy: true, promise: true } }) as Promise<{ reported?: boolean; value?: unknown }>;
    const fromWait = waited.then(
      (w): Settled | Promise<Settled> => (w.reported === true ? late : { ok: true, value: w.value }),
      (e: unknown): Promise<Settled> => {
        if (this.#isolate.isDisposed) throw e;
        // The task that settled the entry also left a rejection unhandled; the completion
        // callback still brings the answer.
        this.#unhandledRejection(e);
        return late;
      },
    );
    // `run` may give up before it calls the function returned here (the synchronous part
    // already overran the CPU budget and the isolate is disposed): `fromWait` then rejects with
    // nobody listening, an unhandled rejection that would end the server. The race still sees it.
    fromWait.catch(() => {});
    return async () => {
      try {
        const first = await Promise.race([late, fromWait]);
        if (!first.ok) throw new Error(String(first.value));
        return first.value;
      } finally {
        this.#completions.delete(token);
      }
    };
  }

  /**
   * isolated-vm ends a task that leaves a promise rejected and unhandled by throwing its reason
   * to the host. Cloudflare logs such a rejection and carries on, and so does this runtime: the
   * entry's own answer comes through the completion callback regardless.
   */
  #unhandledRejection(e: unknown): void {
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    this.bridge.log("error", `Uncaught (in promise) ${text}`);
  }

  /**
   * The outcome of a request whose isolate is gone. Requests sharing an isolate share its fate,
   * as on Cloudflare, but each is told why: a heap over the limit is every tenant request's
   * memory, while a CPU overrun is one request's, so the others see an exception (1101) that
   * names the reset, not a CPU or memory verdict of their own.
   */
  #lostIsolate(): { outcome: "exceededMemory" | "exception"; value: undefined; error: string } {
    switch (this.#discardedFor) {
      case "cpu":
        return { outcome: "exception", value: undefined, error: "The isolate was reset: a concurrent request on it exceeded the CPU time limit." };
      case "owner":
        return { outcome: "exception", value: undefined, error: "The isolate was shut down while the request was running." };
      default:
        return { outcome: "exceededMemory", value: undefined, error: "Worker exceeded memory limit." };
    }
  }

  #discard(reason: "cpu" | "memory"): void {
    this.#discardedFor ??= reason;
    this.#end();
  }

  /** Ends the isolate and releases every host body stream it could still name. Idempotent. */
  dispose(): void {
    this.#discardedFor ??= this.#isolate.isDisposed ? null : "owner";
    this.#end();
  }

  #end(): void {
    if (!this.#isolate.isDisposed) this.#isolate.dispose();
    // Entries still waiting on a completion report will never get one.
    for (const [token, completion] of [...this.#completions]) {
      this.#completions.delete(token);
      completion(false, "Isolate was disposed");
    }
    this.bridge.bodies.releaseAll();
    this.bridge.zlib.releaseAll();
    this.bridge.html.releaseAll();
    this.bridge.sockets.releaseAll();
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
      () => this.#discard("cpu"),
      () => {
        this.#backgroundWatch = false;
      },
    );
  }

  /**
   * Whether the heap could have crossed the limit since it was last read, counting this run's
   * CPU (see HEAP_READ_CPU_NS): if not, the reading, a call into the isolate per request, is
   * skipped.
   */
  #heapWorthReading(cpuNs: bigint): boolean {
    this.#cpuSinceHeapNs += cpuNs;
    this.#runsSinceHeap++;
    return this.heapBytes * 2 > this.#memoryBytesMax || this.#cpuSinceHeapNs >= HEAP_READ_CPU_NS || this.#runsSinceHeap >= HEAP_READ_RUNS;
  }

  /**
   * `memoryLimit` is advisory (isolated-vm README: a determined script may reach 2-3x), so the
   * heap is also measured after a run that could have taken it over (`#heapWorthReading`).
   * After a synchronous run the isolate is known idle and the reading is a 3 µs call; otherwise the async form never blocks the host thread on
   * the isolate's lock, which a waitUntil continuation may be holding.
   */
  #checkHeapWhenIdle(idle: boolean): void {
    const check = (stats: ivm.HeapStatistics): void => {
      this.#recordHeap(stats);
      // Over the limit yet alive: discard it once idle, so the next request starts fresh.
      if (this.heapBytes > this.#memoryBytesMax && this.inFlight <= 1) this.#discard("memory");
    };
    if (idle && !this.#backgroundWatch && !this.disposed) {
      check(this.#heapStatisticsNow());
      return;
    }
    // Off the response path: the reading is for the pool's budget and for the backstop below.
    this.#isolate.getHeapStatistics().then(
      (stats) => {
        if (this.inFlight === 0) check(stats);
        else this.#recordHeap(stats);
      },
      () => {
        // Disposed while measuring: the owner sees `disposed` and rebuilds.
      },
    );
  }

  /**
   * The heap, read synchronously. Any synchronous entry into the isolate reports a rejection
   * left unhandled by an earlier task (isolated-vm throws it at the end of the next task), so a
   * throw here while the isolate lives is that rejection: logged, and the reading taken again.
   */
  #heapStatisticsNow(): ivm.HeapStatistics {
    try {
      return this.#isolate.getHeapStatisticsSync();
    } catch (e) {
      if (this.#isolate.isDisposed) throw e;
      this.#unhandledRejection(e);
      return this.#isolate.getHeapStatisticsSync();
    }
  }

  #recordHeap(stats: ivm.HeapStatistics): void {
    this.heapBytes = stats.used_heap_size + stats.externally_allocated_size;
    this.#cpuSinceHeapNs = 0n;
    this.#runsSinceHeap = 0;
  }
}

function compile(isolate: ivm.Isolate, script: WorkerScript, name: string): ivm.Module {
  try {
    return isolate.compileModuleSync(script.main, { filename: `file:///${script.filename ?? `${name}.js`}` });
  } catch (e) {
    throw scriptError(e, name, script.remapStack);
  }
}
