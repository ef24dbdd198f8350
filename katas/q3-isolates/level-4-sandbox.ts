// Q3 · level 4 · A sandbox that holds
// Thousands of customers' scripts share one process. An isolate is only a sandbox if nothing
// a tenant writes can reach the host (Node's `process`, `require`, host objects), another
// tenant's globals, or more CPU and memory than it was given.
//
// Implement `runTenant(source, options)` with isolated-vm. `source` is the body of an async
// function; its return value, as JSON, is the result (no return value gives `null`, NaN gives
// `null`, as `JSON.stringify` has it). The tenant sees a bare V8 plus two globals:
// - `log(text)`: sync; the text is converted with `String(text)` inside the isolate, so the
//   host's `onLog` only ever receives strings, one call per line, in order;
// - `io(text)`: returns a promise of a string (it stands for a subrequest); the text is
//   converted with `String(text)`; when the host's `io` rejects, the tenant's promise rejects
//   with an Error carrying the message, which the tenant may catch.
// Reject with an `EdgeError` whose code is:
// - `CPU_LIMIT_EXCEEDED` (503) after more than `cpuMsMax` ms of CPU, counted from when the
//   tenant's code starts (creating the isolate and compiling the script are not billed: a
//   2 MB script takes hundreds of ms to compile), across awaits and microtasks, but not while
//   waiting for `io` (with `cpuMsMax` 0 every tenant exceeds it); the message names the limit;
// - `MEMORY_LIMIT_EXCEEDED` (503) when the heap or array buffers outgrow `memoryMbMax`; the
//   message names the limit;
// - `SCRIPT_THREW` (500) for anything the script throws, a syntax error, or a result that is
//   not JSON (a function, a BigInt, a cycle).
// When the request ends, nothing of the tenant may keep running: no call it makes afterwards
// reaches the host's `io` or `onLog`, and nothing rejects where nobody handles it (in Node an
// unhandled rejection ends the host process). One tenant's overrun must not affect another
// tenant. There is no wall-time limit at this level: a tenant that awaits a promise nobody
// settles keeps `runTenant` pending (the platform's request deadline, not this function, ends
// it), and the suite never sends one.
// Constraints: never hand a host object or function into the isolate; only copied data
// crosses (strings, or plain records of strings).
// Processes that load isolated-vm need `node --no-node-snapshot` (vitest sets it).
// Hints: `npm run kata -- hint q3/4`. Grade: `npm run kata -- check q3/4`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface TenantOptions {
  cpuMsMax: number;
  /** At least 8: isolated-vm refuses a smaller `memoryLimit` (isolated-vm README). */
  memoryMbMax: number;
  /** Backs the tenant's `io(text)`. @defaultValue echoes the text */
  io?: (text: string) => Promise<string>;
  /** Receives each `log(text)` line. @defaultValue drops it */
  onLog?: (line: string) => void;
}

export async function runTenant(source: string, options: TenantOptions): Promise<unknown> {
  // TODO: an isolate of its own, `log`/`io` wrappers made inside the isolate, a CPU watchdog
  // on `isolate.cpuTime`, error codes, and dispose when the request ends.
  // import ivm from "isolated-vm";  import { EdgeError } from "../../src/core/errors.js";
  throw new NotImplemented("runTenant");
}
