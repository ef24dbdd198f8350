import { EdgeError } from "../core/errors.js";
import type { DurableObjectFactory, DurableObjectInstanceApi, DurableObjectStateApi } from "../core/bindings.js";
import { InputGate, OutputGate } from "./gates.js";
import type { DurableObjectId } from "./object-id.js";
import type { ObjectDatabase } from "../storage/object-database.js";
import { DurableObjectStorage, quiet, type StorageContext } from "./object-storage.js";
import { SqliteDurableObjectStorage } from "./sqlite-object-storage.js";
import { decodeValue, encodeValue } from "./structured-value.js";

/** Something delivered to an object: an HTTP request, an RPC call, or its alarm. */
export type DoEvent =
  | { readonly kind: "fetch"; readonly request: Request }
  | { readonly kind: "call"; readonly method: string; readonly args: readonly unknown[] }
  | { readonly kind: "alarm" };

export interface QueuedEvent {
  readonly event: DoEvent;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

export interface HostContext extends Omit<StorageContext, "inputGate" | "outputGate"> {
  readonly id: DurableObjectId;
  readonly factory: DurableObjectFactory;
  /** Runs `fn` in a later macrotask, after every pending microtask (one event-loop turn). */
  defer(fn: () => void): void;
  /** Hands events this host will never run to the object's next instance. */
  reroute(events: QueuedEvent[]): void;
  /** The object's own SQLite database when its class is SQLite-backed (`new_sqlite_classes`). */
  openDatabase?: () => ObjectDatabase;
  /** `ctx.abort()`: ends this instance; the next event starts a new one. */
  abort(): void;
}

// Members every object inherits; calling them over RPC would expose the runtime, not the class.
const NOT_RPC = new Set(["constructor", "fetch", "alarm", ...Object.getOwnPropertyNames(Object.prototype)]);

/**
 * One live instance of a Durable Object and its mailbox. Events are delivered one per turn of
 * the event loop, in arrival order, and only while the input gate is open; a result leaves only
 * when the output gate says every earlier write is durable.
 */
export class ObjectHost {
  readonly #ctx: HostContext;
  readonly #queue: QueuedEvent[] = [];
  readonly inputGate: InputGate;
  readonly outputGate = new OutputGate();
  #instance: DurableObjectInstanceApi | undefined;
  #starting = false;
  #pumpScheduled = false;
  #superseded = false;
  #sqlite: SqliteDurableObjectStorage | undefined;

  constructor(ctx: HostContext) {
    this.#ctx = ctx;
    this.inputGate = new InputGate(() => this.#schedulePump());
  }

  deliver(event: DoEvent): Promise<unknown> {
    return new Promise((resolve, reject) => this.enqueue({ event, resolve, reject }));
  }

  enqueue(queued: QueuedEvent): void {
    this.#queue.push(queued);
    this.#schedulePump();
  }

  /** This instance lost its object (migration); queued events go to the next instance. */
  supersede(): void {
    this.#superseded = true;
    this.#ctx.reroute(this.#queue.splice(0));
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    this.#ctx.defer(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  // ANCHOR: pump
  #pump(): void {
    if (this.#superseded) {
      this.#ctx.reroute(this.#queue.splice(0));
      return;
    }
    if (this.#instance === undefined) {
      if (!this.#starting && this.#queue.length > 0) void this.#start();
      return;
    }
    if (!this.inputGate.isOpen) return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#run(this.#instance, next);
    if (this.#queue.length > 0) this.#schedulePump();
  }
  // ANCHOR_END: pump

  async #start(): Promise<void> {
    this.#starting = true;
    const release = this.inputGate.lock();
    const gate = this.inputGate;
    const state: DurableObjectStateApi = {
      id: this.#ctx.id,
      storage: this.#storage(),
      blockConcurrencyWhile: <T>(fn: () => Promise<T>): Promise<T> => quiet(() => gate.whileLocked(fn)),
      // Cloudflare documents waitUntil as having no effect in Durable Objects; failures are dropped.
      waitUntil: (promise: Promise<unknown>): void => void promise.catch(() => undefined),
      abort: (reason?: string): never => this.#abort(reason),
    };
    try {
      this.#instance = await this.#ctx.factory(state);
    } catch (error) {
      // The constructor failed: fail what is waiting, and let the next event try again.
      const reason = error instanceof Error ? error.message : String(error);
      for (const q of this.#queue.splice(0)) q.reject(new EdgeError("DO_CONSTRUCTOR_FAILED", 500, reason));
    } finally {
      this.#starting = false;
      release();
    }
  }

  /**
   * The key-value backend's storage, or the SQLite backend's: a new instance starts a new
   * session of its database, which is when a restore asked for by the previous one happens.
   */
  #storage(): DurableObjectStorage | SqliteDurableObjectStorage {
    const base = { ...this.#ctx, inputGate: this.inputGate, outputGate: this.outputGate };
    if (this.#ctx.openDatabase === undefined) return new DurableObjectStorage(base);
    const database = this.#ctx.openDatabase();
    const checkCurrent = (): void => {
      if (this.#superseded) throw new EdgeError("DO_INSTANCE_SUPERSEDED", 503, "this Durable Object instance was reset or replaced; its storage is closed");
    };
    // Claiming the database first ends any transaction a replaced instance left open.
    this.#sqlite = new SqliteDurableObjectStorage({ ...base, database, checkCurrent });
    database.startSession();
    return this.#sqlite;
  }

  /** `ctx.abort()`: uncommitted writes are dropped, the instance ends, the caller gets an error. */
  #abort(reason: string | undefined): never {
    this.#end();
    throw new EdgeError("DO_ABORTED", 500, `Durable Object was reset by ctx.abort()${reason === undefined ? "" : `: ${reason}`}`);
  }

  /** Ends this instance: uncommitted writes are dropped, and the next event starts a new one. */
  #end(): void {
    if (this.#superseded) return;
    this.#sqlite?.discard();
    this.#superseded = true;
    this.#ctx.abort();
  }

  // ANCHOR: run
  #run(instance: DurableObjectInstanceApi, queued: QueuedEvent): void {
    const handled = (async (): Promise<unknown> => {
      let result: unknown;
      try {
        result = await invoke(instance, queued.event);
      } catch (error) {
        // The instance's memory is gone (its isolate was discarded): as on Cloudflare, the
        // object is reset and its next event builds a new instance from storage.
        if (error instanceof EdgeError && INSTANCE_LOST.has(error.code)) this.#end();
        throw error;
      }
      await this.outputGate.waitForWrites();
      return result;
    })();
    handled.then(queued.resolve, queued.reject);
  }
  // ANCHOR_END: run
}

/** Errors after which an instance has no memory left to run on: it exceeded a limit, or its isolate was discarded. */
const INSTANCE_LOST: ReadonlySet<string> = new Set(["WORKER_EXCEEDED_RESOURCES", "DURABLE_OBJECT_RESET"]);

async function invoke(instance: DurableObjectInstanceApi, event: DoEvent): Promise<unknown> {
  switch (event.kind) {
    case "fetch": {
      if (typeof instance.fetch !== "function") {
        throw new EdgeError("DO_NO_HANDLER", 501, "the Durable Object class has no fetch() handler");
      }
      const response: unknown = await instance.fetch(event.request);
      if (!(response instanceof Response)) {
        throw new EdgeError("DO_BAD_RESPONSE", 500, `fetch() must return a Response, got ${typeof response}`);
      }
      return response;
    }
    case "call": {
      const method = instance[event.method];
      if (NOT_RPC.has(event.method) || typeof method !== "function") {
        throw new EdgeError("DO_METHOD_NOT_FOUND", 404, `the Durable Object class has no RPC method "${event.method}"`);
      }
      const result: unknown = await (method as (...args: unknown[]) => unknown).apply(instance, [...event.args]);
      // Results cross back as structured clones, like arguments did.
      return result === undefined ? undefined : decodeValue(encodeValue(result, `result of ${event.method}()`));
    }
    case "alarm": {
      if (typeof instance.alarm !== "function") {
        throw new EdgeError("DO_NO_HANDLER", 501, "an alarm fired but the Durable Object class has no alarm() handler");
      }
      await instance.alarm();
      return undefined;
    }
  }
}
