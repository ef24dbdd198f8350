// Mutant: reads the isolate's cpuTime as soon as it is created, so creating the context and compiling the script are billed to the tenant (a 2 MB script that runs in under 1 ms is stopped on a 50 ms budget by its own compilation).
import ivm from "isolated-vm";
import { EdgeError } from "../../../src/core/errors.js";

export interface TenantOptions {
  cpuMsMax: number;
  /** At least 8: isolated-vm refuses a smaller `memoryLimit` (isolated-vm README). */
  memoryMbMax: number;
  /** Backs the tenant's `io(text)`. @defaultValue echoes the text */
  io?: (text: string) => Promise<string>;
  /** Receives each `log(text)` line. @defaultValue drops it */
  onLog?: (line: string) => void;
}

/** What a subrequest did, as data: `{ ok: true, value }` or `{ ok: false, error }`. */
type IoOutcome = { ok: true; value: string } | { ok: false; error: string };

/** How often the CPU is sampled; the overrun can exceed the budget by about this much. */
const CPU_SAMPLE_INTERVAL_MS = 1;
const ISOLATE_MEMORY_MB_MIN = 8; // isolated-vm README: `memoryLimit` minimum is 8 MB.

export async function runTenant(source: string, options: TenantOptions): Promise<unknown> {
  // One isolate per request: its own heap, so a tenant's globals and prototypes die with it,
  // and disposing it on an overrun touches nobody else.
  const isolate = new ivm.Isolate({ memoryLimit: Math.max(ISOLATE_MEMORY_MB_MIN, options.memoryMbMax) });
  const setupStartNs = isolate.cpuTime;
  let stoppedForCpu = false;
  let open = true;
  let sampler: ReturnType<typeof setInterval> | undefined;
  try {
    const context = await isolate.createContext();
    const io = options.io ?? ((text: string): Promise<string> => Promise.resolve(text));
    const onLog = options.onLog ?? ((): void => undefined);
    // The host side of each binding checks that the request is still open: `dispose()` was
    // seen to let an already-queued continuation call back in about one run out of five, so
    // the isolate's death alone does not cut the bindings.
    const log = (line: string): void => {
      if (open) onLog(String(line));
    };
    // A subrequest's outcome crosses as a value, never as a rejected host promise: an io that
    // fails after the request has ended would otherwise reject with nobody left to handle it,
    // an unhandled rejection that takes the whole host process down.
    const subrequest = async (text: string): Promise<IoOutcome> => {
      if (!open) return { ok: false, error: "the request has ended" };
      try {
        return { ok: true, value: String(await io(String(text))) };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    };
    // The host functions stay behind References held in a closure: the tenant only ever sees
    // isolate-made wrappers, whose `.constructor` is the isolate's own Function. Arguments and
    // results cross as copied strings, never as host objects.
    await context.evalClosure(
      `const logRef = $0, ioRef = $1, apply = Reflect.apply, then = Promise.prototype.then, fail = (m) => Promise.reject(new Error(m));
       globalThis.log = (text) => { logRef.applySync(undefined, [String(text)], { arguments: { copy: true } }); };
       globalThis.io = (text) => apply(then, ioRef.apply(undefined, [String(text)], { arguments: { copy: true }, result: { promise: true, copy: true } }), [(r) => (r.ok ? r.value : fail(r.error))]);`,
      [log, subrequest],
      { arguments: { reference: true } },
    );
    // The plumbing captures the builtins it needs before the tenant runs: a tenant may replace
    // JSON.stringify or Promise.prototype.then in its own realm, and that must not break ours.
    const wrapped = `const apply = Reflect.apply, then = Promise.prototype.then, stringify = JSON.stringify;
      apply(then, (async () => {\n${source}\n})(), [(v) => apply(stringify, JSON, [v === undefined ? null : v])]);`;
    const script = await isolate.compileScript(wrapped).catch((error: unknown) => {
      throw threw(error);
    });
    // CPU, not wall time: `cpuTime` does not grow while the tenant awaits io, and it does grow
    // in microtasks and continuations, which a run's `timeout` (wall time of the synchronous
    const startNs = setupStartNs;
    const budgetNs = BigInt(Math.round(options.cpuMsMax * 1e6));
    const overBudget = (): boolean => !isolate.isDisposed && isolate.cpuTime - startNs > budgetNs;
    sampler = setInterval(() => {
      if (overBudget()) {
        stoppedForCpu = true;
        isolate.dispose(); // Stops the thread mid-loop; the pending run rejects.
      }
    }, CPU_SAMPLE_INTERVAL_MS);
    let json: unknown;
    try {
      // The result is a JSON string, a primitive: it crosses by copy without asking.
      json = await script.run(context, { promise: true });
    } catch (error) {
      throw classify(error, stoppedForCpu, options);
    }
    // A run can finish between two samples, and memoryLimit is advisory (one big string can
    // overshoot it): check both before handing out the result.
    if (stoppedForCpu || overBudget()) throw cpuExceeded(options);
    const heap = isolate.getHeapStatisticsSync();
    if (heap.used_heap_size + heap.externally_allocated_size > options.memoryMbMax * 1024 * 1024) throw memoryExceeded(options);
    return parseResult(json);
  } finally {
    open = false;
    clearInterval(sampler);
    // The request is over: pending io continuations and promise chains die with the isolate.
    if (!isolate.isDisposed) isolate.dispose();
  }
}

function parseResult(json: unknown): unknown {
  // JSON.stringify answers undefined, not a string, for what JSON cannot hold (a function).
  if (typeof json !== "string") throw new EdgeError("SCRIPT_THREW", 500, "the tenant's result is not JSON-serialisable");
  return JSON.parse(json) as unknown;
}

function classify(error: unknown, stoppedForCpu: boolean, options: TenantOptions): EdgeError {
  if (stoppedForCpu) return cpuExceeded(options);
  const message = error instanceof Error ? error.message : String(error);
  // isolated-vm disposes an isolate that outgrows its heap; array buffers over the limit fail
  // to allocate instead. Both are the memory limit, not a bug in the script.
  if (/memory limit|Array buffer allocation failed/i.test(message)) return memoryExceeded(options);
  return threw(error);
}

function threw(error: unknown): EdgeError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new EdgeError("SCRIPT_THREW", 500, `the tenant's script threw ${message}`);
}

function cpuExceeded(options: TenantOptions): EdgeError {
  return new EdgeError("CPU_LIMIT_EXCEEDED", 503, `the tenant used more than its ${options.cpuMsMax} ms of CPU`);
}

function memoryExceeded(options: TenantOptions): EdgeError {
  return new EdgeError("MEMORY_LIMIT_EXCEEDED", 503, `the tenant used more than its ${options.memoryMbMax} MB of memory`);
}
