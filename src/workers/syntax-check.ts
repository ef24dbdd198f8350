import ivm from "isolated-vm";
import { EdgeError } from "../core/errors.js";
import { MEMORY_MB_MIN } from "./limits.js";
import { importProblem } from "./module-linker.js";
import { scriptError } from "./script-error.js";
import type { WorkerScript } from "./worker-script.js";

let scratch: ivm.Isolate | null = null;

/**
 * Deploy-time check, as `wrangler deploy` does: compile the module without running it, in one
 * small scratch isolate shared by all checks, so a syntax error or an unavailable import is
 * reported with its line or name before any request arrives.
 */
export function checkSyntax(script: WorkerScript, name: string): void {
  if (scratch === null || scratch.isDisposed) scratch = new ivm.Isolate({ memoryLimit: MEMORY_MB_MIN * 4 });
  let module: ivm.Module;
  try {
    module = scratch.compileModuleSync(script.main, { filename: `file:///${script.filename ?? `${name}.js`}` });
  } catch (e) {
    throw scriptError(e, name, script.remapStack);
  }
  const imports = module.dependencySpecifiers;
  module.release();
  for (const specifier of imports) {
    const problem = importProblem(specifier, script);
    if (problem !== undefined) throw new EdgeError("WORKER_SCRIPT_INVALID", 400, `worker "${name}": ${problem}`);
  }
}
