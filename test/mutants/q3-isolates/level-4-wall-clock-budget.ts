// Mutant: enforces the CPU budget with a wall-clock timer started with the request, so a tenant that only waits for io is killed (cpuMsMax 50, io that takes 200 ms: `await io('x'); return 1` rejects with CPU_LIMIT_EXCEEDED after using ~1 ms of CPU). (blind)

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

/** Runs inside the isolate before the tenant: builds `log`/`io` and compiles the tenant. */
const BOOTSTRAP = `
const logRef = $0;
const ioRef = $1;
const stringify = JSON.stringify;
const then = Promise.prototype.then;
const apply = Reflect.apply;
const AsyncFunction = (async function () {}).constructor;
const body = new AsyncFunction($2);
globalThis.log = function log(text) {
  if (typeof text !== "string") throw new TypeError("log(text) takes a string");
  logRef.applySync(undefined, [text], { arguments: { copy: true } });
};
globalThis.io = function io(text) {
  return ioRef.apply(undefined, [String(text)], { arguments: { copy: true }, result: { promise: true, copy: true } });
};
return apply(then, body(), [(value) => {
  const json = stringify(value);
  if (json === undefined && value !== undefined) throw new TypeError("the result is not JSON");
  return json;
}]);
`;

function classify(error: unknown, cpuStopped: boolean, cpuMsMax: number, memoryMbMax: number): EdgeError {
  if (cpuStopped) return new EdgeError("CPU_LIMIT_EXCEEDED", 503, `the script used more than ${cpuMsMax} ms of CPU`);
  const message = error instanceof Error ? error.message : String(error);
  if (/memory limit|Array buffer allocation failed/i.test(message)) {
    return new EdgeError("MEMORY_LIMIT_EXCEEDED", 503, `the script used more than ${memoryMbMax} MB of memory`);
  }
  return new EdgeError("SCRIPT_THREW", 500, `the script threw: ${message}`);
}

export async function runTenant(source: string, options: TenantOptions): Promise<unknown> {
  const { cpuMsMax, memoryMbMax } = options;
  const io = options.io ?? (async (text: string) => text);
  const onLog = options.onLog ?? (() => {});
  const isolate = new ivm.Isolate({ memoryLimit: memoryMbMax });
  let ended = false;
  let cpuStopped = false;
  const watchdog = setTimeout(() => {
    if (isolate.isDisposed) return;
    cpuStopped = true;
    isolate.dispose();
  }, cpuMsMax);
  const logRef = new ivm.Reference((text: string) => {
    if (!ended) onLog(String(text));
  });
  const ioRef = new ivm.Reference(async (text: string) => {
    if (ended) throw new Error("the request has ended");
    return String(await io(String(text)));
  });
  try {
    const context = await isolate.createContext();
    const json = (await context.evalClosure(BOOTSTRAP, [logRef, ioRef, source], {
      result: { promise: true, copy: true },
    })) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as unknown);
  } catch (error) {
    throw classify(error, cpuStopped, cpuMsMax, memoryMbMax);
  } finally {
    ended = true;
    clearTimeout(watchdog);
    logRef.release();
    ioRef.release();
    if (!isolate.isDisposed) isolate.dispose();
  }
}
