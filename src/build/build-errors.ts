import type { Message } from "esbuild";
import { EdgeError } from "../core/errors.js";

/**
 * One esbuild message as a user reads it: `file:line:column: text` (1-based column, as editors
 * count), the offending line, and notes. An import that cannot be resolved names the import
 * and the file that asked for it, with a hint when it looks like a package that is not
 * installed.
 */
export function formatBuildMessage(message: Message, projectRoot: string): string {
  const loc = message.location;
  const where = loc === null ? "" : `${loc.file}:${loc.line}:${loc.column + 1}: `;
  const lines = [`${where}${message.text}`];
  const unresolved = /^Could not resolve "([^"]+)"$/.exec(message.text);
  if (unresolved !== null && loc !== null) {
    lines[0] = `${where}cannot resolve import "${unresolved[1]}" (imported by ${loc.file})`;
  }
  if (loc !== null && loc.lineText.length > 0 && loc.lineText.length <= 200) {
    lines.push(`    ${loc.lineText}`, `    ${" ".repeat(loc.column)}${"^".repeat(Math.max(1, Math.min(loc.length, loc.lineText.length - loc.column)))}`);
  }
  for (const note of message.notes) {
    // esbuild suggests marking the path external, which would only move the failure to runtime.
    if (/as external to exclude it from the bundle/.test(note.text)) continue;
    lines.push(`  note: ${note.text}`);
  }
  if (unresolved !== null && /^(@[^/]+\/)?[^./][^:]*$/.test(unresolved[1]!) && !message.notes.some((n) => n.text.includes("built into node"))) {
    lines.push(`  note: if "${unresolved[1]}" is an npm package, is it installed? Run npm install in ${projectRoot}`);
  }
  return lines.join("\n");
}

/** A failed build: every error, formatted, in one EdgeError. */
export function buildFailure(name: string, errors: readonly Message[], projectRoot: string): EdgeError {
  const shown = errors.slice(0, 10).map((e) => formatBuildMessage(e, projectRoot));
  if (errors.length > shown.length) shown.push(`... and ${errors.length - shown.length} more errors`);
  return new EdgeError("WORKER_BUILD_FAILED", 400, `worker "${name}" did not build:\n${shown.join("\n")}`);
}
