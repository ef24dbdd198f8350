import { EdgeError } from "../core/errors.js";

/**
 * Turns a V8 compile error into a user error that names the script and the line, e.g.
 * `worker "shop": SyntaxError: Unexpected token '}' at line 3, column 1`. With a source map
 * (`remap`), the position is the source file's.
 */
export function scriptError(e: unknown, name: string, remap: (text: string) => string = (t) => t): EdgeError {
  const message = e instanceof Error ? e.message : String(e);
  const where = /\[?(file:\/\/\/[^\]:]*:\d+:\d+)\]?/.exec(message);
  const clean = message.replace(/\s*\[file:\/\/\/[^\]]*\]/, "");
  const kind = e instanceof Error && e.name !== "Error" ? `${e.name}: ` : "";
  let at = "";
  if (where) {
    const mapped = remap(where[1]!);
    const m = /^(?:file:\/\/\/.*?|(.*)):(\d+):(\d+)$/.exec(mapped);
    at = m ? `${m[1] === undefined ? "" : ` in ${m[1]}`} at line ${m[2]}, column ${m[3]}` : "";
  }
  return new EdgeError("WORKER_SCRIPT_INVALID", 400, `worker "${name}": ${kind}${clean}${at}`);
}
