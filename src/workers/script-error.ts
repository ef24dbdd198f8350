import { EdgeError } from "../core/errors.js";

/**
 * Turns a V8 compile error into a user error that names the script and the line, e.g.
 * `worker "shop": SyntaxError: Unexpected token '}' at line 3, column 1`.
 */
export function scriptError(e: unknown, name: string): EdgeError {
  const message = e instanceof Error ? e.message : String(e);
  const where = /\[?file:\/\/\/[^\]:]*:(\d+):(\d+)\]?/.exec(message);
  const clean = message.replace(/\s*\[file:\/\/\/[^\]]*\]/, "");
  const kind = e instanceof Error && e.name !== "Error" ? `${e.name}: ` : "";
  const at = where ? ` at line ${where[1]}, column ${where[2]}` : "";
  return new EdgeError("WORKER_SCRIPT_INVALID", 400, `worker "${name}": ${kind}${clean}${at}`);
}
