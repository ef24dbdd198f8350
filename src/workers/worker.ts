import { standaloneCacheApi } from "../cache/cache-api.js";
import type { DurableObjectFactory, DurableObjectStateApi } from "../core/bindings.js";
import type { RequestCf } from "../core/request-cf.js";
import { type Clock, WallClock } from "../sim/clock.js";
import { type ResolvedWorkerConfig, type WorkerConfig, resolveWorkerConfig } from "./config.js";
import type { LogLine, OriginFetcher, Sleeper } from "./host-bridge.js";
import { type HeaderPairs, type WireRequest, requestFromWire, requestToWire, responseFromWire } from "./http-wire.js";
import { ERROR_1101_BODY, ERROR_1102_BODY, WAIT_UNTIL_MS_MAX } from "./limits.js";
import { type DurableObjectHost, createDurableObject } from "./durable-object-host.js";
import { prepareHtmlRewriter } from "./html-rewriter-host.js";
import { checkSyntax } from "./syntax-check.js";
import { type RunResult, WorkerInstance } from "./worker-instance.js";
import { type ScheduledResult, type WorkerResult, errorResponse } from "./worker-result.js";
import { type WorkerScript, scriptFromSource } from "./worker-script.js";

export interface WorkerOptions {
  /** Drives `Date.now()` inside the isolate and the wall-time figures. @defaultValue a WallClock */
  clock?: Clock;
  /** Where the worker's `fetch()` goes. @defaultValue a 502 for every request */
  origin?: OriginFetcher;
  /** How `setTimeout` waits. @defaultValue a real timer; simulations pass `Simulation.sleep` */
  sleep?: Sleeper;
  /**
   * Development mode (`npm start`, like `wrangler dev`): a 1101 page also carries the
   * exception and its stack, at source positions when the script has a source map. Cloudflare
   * itself never shows them to the client. @defaultValue false
   */
  developmentErrors?: boolean;
}

interface Reply {
  kind: "ok" | "exception";
  message?: string;
  response?: unknown;
  passThrough?: boolean;
  pending?: number;
}

export interface FetchOptions {
  pop?: string;
  cf?: RequestCf;
  headers?: HeaderPairs;
}

const PREWARMED: Promise<void> = Promise.resolve();

const noOrigin: OriginFetcher = async () => new Response("no origin configured", { status: 502 });

/** Real waiting for timers outside a simulation; the only real-time delay in the runtime. */
const realSleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A deployed module worker. Its isolate is built lazily (the first request is cold), reused
 * while healthy, and rebuilt after a limit kills it; the `Worker` object itself stays valid.
 */
export class Worker {
  readonly name: string;
  readonly config: ResolvedWorkerConfig;
  readonly #script: WorkerScript;
  readonly #clock: Clock;
  readonly #developmentErrors: boolean;
  readonly #origin: OriginFetcher;
  readonly #sleep: Sleeper;
  #instance: WorkerInstance | null = null;
  #creating: Promise<WorkerInstance> | null = null;
  #nextRequestId = 1;
  /** Invocations between arrival and completion, including the wait for a cold start. */
  #active = 0;

  /** `source` is a module's text, or a built script with its modules and source map. */
  constructor(source: string | WorkerScript, config: WorkerConfig, options: WorkerOptions = {}) {
    this.#clock = options.clock ?? new WallClock();
    const resolved = resolveWorkerConfig(config);
    // A worker outside an edge still has a Cache API: a cache of its own, kept across isolate restarts.
    this.config = resolved.cache === null ? { ...resolved, cache: standaloneCacheApi(this.#clock) } : resolved;
    this.name = this.config.name;
    this.#script = typeof source === "string" ? scriptFromSource(source) : source;
    checkSyntax(this.#script, this.name);
    // lol-html is compiled once per process, off the main thread, before the first request needs it.
    if (this.#script.main.includes("HTMLRewriter")) void prepareHtmlRewriter();
    this.#developmentErrors = options.developmentErrors ?? false;
    this.#origin = options.origin ?? noOrigin;
    this.#sleep = options.sleep ?? realSleep;
  }

  get warm(): boolean {
    return this.#instance !== null && !this.#instance.disposed;
  }

  get inFlight(): number {
    return this.#active + (this.#instance?.inFlight ?? 0);
  }

  /**
   * Host body streams the live isolate can still name (bodies neither read to the end, passed
   * on nor cancelled, of requests still in flight); 0 when cold. For tests and the status page.
   */
  get openBodyStreams(): number {
    return this.#instance === null ? 0 : this.#instance.bridge.bodies.size;
  }

  /** Host zlib streams behind the live isolate's (De)CompressionStreams; 0 when cold. For tests. */
  get openZlibStreams(): number {
    return this.#instance === null ? 0 : this.#instance.bridge.zlib.size;
  }

  /** Host lol-html transforms the live isolate still holds (HTMLRewriter); 0 when cold. For tests. */
  get openHtmlRewriters(): number {
    return this.#instance === null ? 0 : this.#instance.bridge.html.size;
  }

  /** WebSocket handles the live isolate holds (connections not closed both ways); 0 when cold. For tests. */
  get openWebSockets(): number {
    return this.#instance === null ? 0 : this.#instance.bridge.sockets.size;
  }

  /** Console output and errors of the live isolate's WebSocket handlers (the last lines). */
  get webSocketLogs(): readonly LogLine[] {
    return this.#instance === null ? [] : this.#instance.bridge.socketLogs;
  }

  /** Heap bytes of the live isolate, measured when it was last idle; 0 when cold. */
  get heapBytes(): number {
    return this.warm ? this.#instance!.heapBytes : 0;
  }

  /** Starts building the isolate now, e.g. while the TLS handshake carrying its SNI completes. */
  prewarm(): Promise<void> {
    // The edge calls this on every request: a warm isolate needs nothing, not even a promise chain.
    if (this.warm) return PREWARMED;
    return this.#acquire().then(() => undefined, () => undefined);
  }

  /**
   * `cf` becomes `request.cf` (the edge computes it); without it the worker sees `{ colo: pop }`.
   * `headers`, when given, are the request's fields as the worker sees them, in place of
   * `request.headers` (the edge's forwarded list: see `requestToWire`).
   */
  async fetch(request: Request, options: FetchOptions = {}): Promise<WorkerResult> {
    this.#active++;
    try {
      return await this.#fetch(request, options);
    } finally {
      this.#active--;
    }
  }

  async scheduled(cron: string, options: { scheduledTimeMs?: number } = {}): Promise<ScheduledResult> {
    this.#active++;
    try {
      return await this.#scheduled(cron, options);
    } finally {
      this.#active--;
    }
  }

  async #fetch(request: Request, options: FetchOptions): Promise<WorkerResult> {
    const startMs = this.#clock.nowMs();
    const logs: LogLine[] = [];
    const finish = (response: Response, outcome: WorkerResult["outcome"], cold: boolean, cpuNs: bigint, waitUntil: Promise<void> | null = null): WorkerResult => ({
      response, outcome, cold, cpuMs: Number(cpuNs) / 1e6, wallMs: this.#clock.nowMs() - startMs, logs, waitUntil: waitUntil ?? Promise.resolve(),
    });
    const acquired = await this.#acquireOrLog(logs);
    if (acquired === null) return finish(this.#errorPage("exception", logs), "exception", true, 0n);
    const { instance, cold } = acquired;
    // The request's scope: the host streams its code can reach (its own body, its subrequests'
    // bodies) live until it has answered and its waitUntil work is done.
    const bodies = instance.bridge.bodies;
    const scope = bodies.open();
    // With waitUntil work the scope closes when that work is done, and the result's `waitUntil`
    // settles only then; without, it closes before the result is returned.
    let waitUntil: Promise<void> | null = null;
    try {
      let wire: WireRequest;
      try {
        wire = await requestToWire(request, bodies, scope, options.cf ?? (options.pop === undefined ? undefined : { colo: options.pop }), options.headers);
      } catch (e) {
        logs.push({ level: "error", message: e instanceof Error ? e.message : String(e) });
        return finish(errorResponse("exception"), "exception", cold, 0n);
      }
      const id = this.#nextRequestId++;
      const budgetNs = this.#budgetNs();
      const run = await instance.run("fetch", [id, wire, this.#clock.nowMs()], budgetNs, logs);
      const failed = this.#failure(run, logs);
      if (failed !== null) return finish(this.#errorPage(failed, logs), failed, cold, run.cpuNs);
      const reply = run.value as Reply;
      // Work queued behind the answer already ran out of CPU and went with its isolate.
      if (run.stoppedAfterAnswer === true) this.#dropDisposed();
      else if ((reply.pending ?? 0) > 0) waitUntil = this.#drain(instance, id, budgetNs - run.cpuNs, logs).then(() => bodies.close(scope));
      if (reply.kind === "exception") {
        logs.push({ level: "error", message: this.#remap(reply.message ?? "exception") });
        // ctx.passThroughOnException(): Cloudflare sends the request on to the origin instead of
        // 1101. Its body is still on the host unless the worker read it or passed it on.
        if (reply.passThrough === true) {
          let original: Request | null = null;
          try {
            original = requestFromWire(wire, bodies);
          } catch (e) {
            logs.push({ level: "error", message: `passThroughOnException: the request cannot be passed on: ${e instanceof Error ? e.message : String(e)}` });
          }
          if (original !== null) return finish(await this.#origin(original), "exception", cold, run.cpuNs, waitUntil);
        }
        return finish(this.#errorPage("exception", logs), "exception", cold, run.cpuNs, waitUntil);
      }
      try {
        return finish(responseFromWire(reply.response, bodies, instance.bridge.sockets), "ok", cold, run.cpuNs, waitUntil);
      } catch (e) {
        logs.push({ level: "error", message: e instanceof Error ? e.message : String(e) });
        return finish(errorResponse("exception"), "exception", cold, run.cpuNs, waitUntil);
      }
    } finally {
      // The response's own body is the host's by now (taken from the table), so closing the
      // scope never cuts an answer short.
      if (waitUntil === null) bodies.close(scope);
    }
  }

  async #scheduled(cron: string, options: { scheduledTimeMs?: number }): Promise<ScheduledResult> {
    const startMs = this.#clock.nowMs();
    const logs: LogLine[] = [];
    const result = (outcome: ScheduledResult["outcome"], cold: boolean, cpuNs: bigint): ScheduledResult => ({
      outcome, cold, cpuMs: Number(cpuNs) / 1e6, wallMs: this.#clock.nowMs() - startMs, logs,
    });
    const acquired = await this.#acquireOrLog(logs);
    if (acquired === null) return result("exception", true, 0n);
    const id = this.#nextRequestId++;
    const now = this.#clock.nowMs();
    const bodies = acquired.instance.bridge.bodies;
    const scope = bodies.open();
    try {
      const run = await acquired.instance.run("scheduled", [id, cron, options.scheduledTimeMs ?? now, now], this.#budgetNs(), logs);
      const failed = this.#failure(run, logs);
      if (failed !== null) return result(failed, acquired.cold, run.cpuNs);
      const reply = run.value as Reply;
      if ((reply.pending ?? 0) > 0) await this.#drain(acquired.instance, id, this.#budgetNs() - run.cpuNs, logs);
      if (reply.kind === "exception") logs.push({ level: "error", message: this.#remap(reply.message ?? "exception") });
      return result(reply.kind === "exception" ? "exception" : "ok", acquired.cold, run.cpuNs);
    } finally {
      bodies.close(scope);
    }
  }

  /** A factory for instances of the Durable Object class the script exports as `className`. */
  durableObjectFactory(className: string): DurableObjectFactory {
    const host: DurableObjectHost = {
      workerName: this.name,
      acquire: async () => (await this.#acquire()).instance,
      budgetNs: () => this.#budgetNs(),
      nowMs: () => this.#clock.nowMs(),
      failure: (run, logs) => this.#failure(run, logs),
      remap: (text) => this.#remap(text),
    };
    return (state: DurableObjectStateApi) => createDurableObject(host, className, state);
  }

  /** Drops the isolate if no request is in flight; the next request is cold. */
  evict(): boolean {
    if (this.#instance === null || this.inFlight > 0) return false;
    this.#instance.dispose();
    this.#instance = null;
    return true;
  }

  dispose(): void {
    this.#instance?.dispose();
    this.#instance = null;
  }

  #budgetNs(): bigint {
    return BigInt(Math.round(this.config.cpuMsMax * 1e6));
  }

  #dropDisposed(): void {
    if (this.#instance?.disposed === true) this.#instance = null;
  }

  #remap(text: string): string {
    return this.#script.remapStack === undefined ? text : this.#script.remapStack(text);
  }

  /** Cloudflare's error page; in development it also shows the error lines logged so far. */
  #errorPage(outcome: Exclude<WorkerResult["outcome"], "ok">, logs: LogLine[]): Response {
    const page = errorResponse(outcome);
    const errors = logs.filter((l) => l.level === "error").map((l) => l.message);
    if (!this.#developmentErrors || errors.length === 0) return page;
    const code = outcome === "exception" ? ERROR_1101_BODY : ERROR_1102_BODY;
    return new Response(`${code}\n\n${errors.join("\n")}\n`, { status: page.status, headers: page.headers });
  }

  /** Maps a limit or isolate failure to its outcome, dropping the dead isolate. */
  #failure(run: RunResult, logs: LogLine[]): Exclude<WorkerResult["outcome"], "ok"> | null {
    if (run.outcome === "ok") return null;
    logs.push({ level: "error", message: this.#remap(run.error ?? run.outcome) });
    this.#dropDisposed();
    return run.outcome;
  }

  #drain(instance: WorkerInstance, id: number, budgetNs: bigint, logs: LogLine[]): Promise<void> {
    const drained = instance.run("drainWaitUntil", [id], budgetNs > 0n ? budgetNs : 1n, logs).then((run) => {
      if (this.#failure(run, logs) === null) for (const message of run.value as string[]) logs.push({ level: "error", message: this.#remap(message) });
    });
    // Cloudflare cuts waitUntil work off 30 s after the response; the CPU budget still applies.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cutOff = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logs.push({ level: "warn", message: `waitUntil work cut off after ${WAIT_UNTIL_MS_MAX} ms` });
        resolve();
      }, WAIT_UNTIL_MS_MAX);
      timer.unref();
    });
    return Promise.race([drained, cutOff]).finally(() => clearTimeout(timer));
  }

  async #acquireOrLog(logs: LogLine[]): Promise<{ instance: WorkerInstance; cold: boolean } | null> {
    try {
      return await this.#acquire();
    } catch (e) {
      logs.push({ level: "error", message: `worker "${this.name}" failed to start: ${this.#remap(e instanceof Error ? e.message : String(e))}` });
      return null;
    }
  }

  async #acquire(): Promise<{ instance: WorkerInstance; cold: boolean }> {
    if (this.#instance !== null && !this.#instance.disposed) return { instance: this.#instance, cold: false };
    // isolated-vm may have ended it (memory) without our dispose(): release what it held.
    this.#instance?.dispose();
    this.#instance = null;
    if (this.#creating === null) {
      this.#creating = WorkerInstance.create(this.#script, this.config, this.#clock, this.#origin, this.#sleep).finally(() => {
        this.#creating = null;
      });
    }
    const instance = await this.#creating;
    this.#instance = instance;
    return { instance, cold: true };
  }
}
