import ivm from "isolated-vm";
import { EdgeError } from "../core/errors.js";
import { MEMORY_MB_MIN } from "./limits.js";
import { scriptError } from "./script-error.js";

/** The only module a worker may import; everything else is bundled by wrangler on Cloudflare. */
export const IMPORTABLE_MODULES: readonly string[] = ["cloudflare:workers"];

let scratch: ivm.Isolate | null = null;

/**
 * Deploy-time check, as `wrangler deploy` does: compile the module without running it, in one
 * small scratch isolate shared by all checks, so a syntax error or an unavailable import is
 * reported with its line or name before any request arrives.
 */
export function checkSyntax(source: string, name: string): void {
  if (scratch === null || scratch.isDisposed) scratch = new ivm.Isolate({ memoryLimit: MEMORY_MB_MIN * 4 });
  let module: ivm.Module;
  try {
    module = scratch.compileModuleSync(source, { filename: `file:///${name}.js` });
  } catch (e) {
    throw scriptError(e, name);
  }
  const imports = module.dependencySpecifiers;
  module.release();
  for (const specifier of imports) {
    if (!IMPORTABLE_MODULES.includes(specifier)) {
      throw new EdgeError("WORKER_SCRIPT_INVALID", 400, `worker "${name}": cannot import "${specifier}"; only ${IMPORTABLE_MODULES.join(", ")} is available (bundle other modules into the script)`);
    }
  }
}
