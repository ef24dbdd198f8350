// Q3 · level 4 · A sandbox that holds
// Thousands of customers' scripts share one process. An isolate is only a sandbox if nothing
// a tenant writes can reach the host (Node's `process`, `require`, host objects), another
// tenant's globals, or more CPU and memory than it was given.
//
// Implement `runTenant(source, options)` with isolated-vm. `source` is the body of an async
// function; its return value (JSON-serialisable) is the result. The tenant sees a bare V8
// plus two globals: `log(text)` (sync, strings only) and `io(text)` (returns a promise of a
// string; it stands for a subrequest). Reject with an `EdgeError` whose code is:
// - `CPU_LIMIT_EXCEEDED` (503) after more than `cpuMsMax` ms of CPU, counted across awaits
//   and microtasks, but not while waiting for `io`;
// - `MEMORY_LIMIT_EXCEEDED` (503) when the heap or array buffers outgrow `memoryMbMax`;
// - `SCRIPT_THREW` (500) for anything the script throws (or a result that is not JSON).
// When the request ends, nothing of the tenant may keep running. One tenant's overrun must not
// affect another tenant.
// Constraints: never hand a host object or function into the isolate; copy strings only.
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
