import ivm from "isolated-vm";
import { assert } from "../core/errors.js";
import { WallClock } from "../sim/clock.js";
import { resolveWorkerConfig } from "./config.js";
import { HostBridge } from "./host-bridge.js";
import { MEMORY_MB_MAX_DEFAULT } from "./limits.js";
import { compileLazyModule, compileRuntime, isLazyModule } from "./runtime-source.js";

/** Called by the runtime when an entry point started with `start` settles. */
export type Completion = (ok: boolean, value: unknown) => void;

/**
 * An isolate with its context and the thin runtime already loaded, but no tenant code and no
 * tenant yet. Its host handles forward to `attach`'s bridge, so the isolate can be built
 * before anyone knows which worker it will run.
 */
export interface PreparedIsolate {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  readonly api: ivm.Reference<Record<string, unknown>>;
  readonly memoryMb: number;
  /** Reports from the runtime's `start`, by token; owned by the WorkerInstance built on it. */
  readonly completions: Map<number, Completion>;
  /** Told when the runtime defers I/O continuations to the host (see `deferIo` in bridge.js). */
  readonly io: { onQueued: () => void };
  /** Binds the isolate's host handles to its tenant's bridge. Once only. */
  attach(bridge: HostBridge): void;
}

/**
 * Builds a tenant-less isolate: V8 isolate, context, runtime, host handles. Most of a cold
 * start is here (on these machines a bare isolate and context alone take ~5 ms), which is why
 * `spareIsolates` keeps one ready.
 */
export function prepareIsolate(memoryMb: number, nowMs: number, warmUp = false): PreparedIsolate {
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  try {
    const context = isolate.createContextSync();
    let bridge: HostBridge | null = null;
    const target = (): HostBridge => {
      assert(bridge !== null, "only an attached isolate runs tenant code, so it has a tenant");
      return bridge;
    };
    // Before a tenant is attached only pure host helpers (URL parsing, encoding) may run.
    const syncTarget = (): HostBridge => bridge ?? neutralBridge();
    const setup = compileRuntime(isolate).runSync(context, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
    let installLazy: ivm.Reference<(...args: unknown[]) => unknown> | null = null;
    // Called by the runtime, on the isolate's behalf, the first time its code touches a lazy
    // global: the module is compiled (from the process's code cache) and run in this context,
    // and its factory handed back through `installLazy`.
    const loadLazy = (name: unknown): void => {
      if (!isLazyModule(name) || installLazy === null) throw new TypeError(`no runtime module "${String(name)}"`);
      const factory = compileLazyModule(isolate, name).runSync(context, { reference: true }) as ivm.Reference<unknown>;
      installLazy.applySync(undefined, [name, factory.derefInto()]);
    };
    const api = setup.applySync(
      undefined,
      [
        new ivm.Reference((op: unknown, args: unknown) => target().asyncCall(op, args)),
        new ivm.Callback((op: unknown, args: unknown) => syncTarget().syncCall(op, args)),
        new ivm.Callback((level: unknown, message: unknown) => target().log(level, message)),
        nowMs,
        new ivm.Callback(loadLazy),
      ],
      { result: { reference: true } },
    ) as ivm.Reference<Record<string, unknown>>;
    installLazy = entryReference(api, "installLazy");
    // Reports from the runtime's `start`: called inline when an entry point settles during
    // the synchronous call that started it, or later from the isolate's thread.
    const completions = new Map<number, Completion>();
    const complete = (token: unknown, ok: unknown, value: unknown): void => {
      const completion = completions.get(Number(token));
      completions.delete(Number(token));
      completion?.(ok === true, value);
    };
    const io = { onQueued: (): void => {} };
    entryReference(api, "bindCompletion").applySync(undefined, [new ivm.Callback(complete), new ivm.Callback(() => io.onQueued())]);
    if (warmUp) entryReference(api, "warmUp").applySync(undefined, []);
    return {
      isolate,
      context,
      api,
      memoryMb,
      completions,
      io,
      attach(b: HostBridge): void {
        assert(bridge === null, "a spare isolate is attached to one tenant, once, and this one already has a tenant");
        bridge = b;
      },
    };
  } catch (e) {
    if (!isolate.isDisposed) isolate.dispose();
    throw e;
  }
}

let neutral: HostBridge | null = null;

/** A bridge with no tenant behind it, for the pure helpers a spare's warm-up calls. */
function neutralBridge(): HostBridge {
  neutral ??= new HostBridge(
    resolveWorkerConfig({ name: "spare-isolate" }),
    new WallClock(),
    () => Promise.reject(new Error("a spare isolate has no origin")),
    () => Promise.reject(new Error("a spare isolate has no timers")),
  );
  return neutral;
}

export function entryReference(api: ivm.Reference<Record<string, unknown>>, name: string): ivm.Reference<(...args: unknown[]) => unknown> {
  return api.getSync(name, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
}

/**
 * One pre-built isolate kept ready for the next cold start, as a pre-forked worker process
 * is kept ready for the next connection. Taking it leaves the expensive part (isolate,
 * context, runtime) off the request path; a replacement is built on a later turn of the
 * event loop, after the request that took it has been answered. A spare is handed to exactly
 * one tenant and never reused, so it is as fresh as an isolate built on demand: it holds the
 * runtime and nothing else.
 *
 * Only isolates with the default memory limit are kept (the limit is fixed when an isolate is
 * created). `enabled = false` builds every isolate on demand, for the benchmark's comparison.
 */
class SpareIsolates {
  enabled = true;
  #spare: PreparedIsolate | null = null;
  #refill: ReturnType<typeof setImmediate> | null = null;
  #taken = 0;

  /** A ready isolate for `memoryMb`, or null; schedules the next spare either way. */
  take(memoryMb: number): PreparedIsolate | null {
    if (!this.enabled || memoryMb !== MEMORY_MB_MAX_DEFAULT) return null;
    const spare = this.#spare;
    this.#spare = null;
    this.#scheduleRefill();
    if (spare === null || spare.isolate.isDisposed) return null;
    this.#taken++;
    return spare;
  }

  /** How many cold starts were served by a spare (for tests and benchmarks). */
  get taken(): number {
    return this.#taken;
  }

  /** Drops the spare (tests, benchmarks, shutdown); the next `take` builds none in time. */
  clear(): void {
    if (this.#refill !== null) clearImmediate(this.#refill);
    this.#refill = null;
    if (this.#spare !== null && !this.#spare.isolate.isDisposed) this.#spare.isolate.dispose();
    this.#spare = null;
  }

  /** Builds the first spare ahead of the first cold start (the server calls this at boot). */
  prime(): void {
    if (this.enabled && this.#spare === null) this.#scheduleRefill();
  }

  #scheduleRefill(): void {
    if (this.#refill !== null) return;
    // setImmediate: after the pending I/O callbacks, so the cold request finishes first.
    this.#refill = setImmediate(() => {
      this.#refill = null;
      if (!this.enabled || this.#spare !== null) return;
      try {
        // Time 0 is a placeholder: `begin` sets the tenant's clock when the spare is taken.
        this.#spare = prepareIsolate(MEMORY_MB_MAX_DEFAULT, 0, true);
      } catch {
        // Out of memory or similar: the next cold start builds its own isolate.
      }
    });
    this.#refill.unref();
  }
}

/** The process's spare isolate. */
export const spareIsolates = new SpareIsolates();
