import { isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";

/**
 * Maps positions in a bundle back to the files it was built from, for stack traces: V8 writes
 * `file:///<bundle>:line:column` (1-based column), the source map answers the source file,
 * line and 0-based column, shown relative to the project root as wrangler shows them
 * (`src/index.ts:12:9`). Positions the map does not cover (esbuild's own helpers) are kept.
 */
export function stackRemapper(bundleFilename: string, mapJson: string, mapPath: string, projectRoot: string): (text: string) => string {
  const map = new TraceMap(mapJson, pathToFileURL(mapPath).href);
  const escaped = `file:///${bundleFilename}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const position = new RegExp(`${escaped}:(\\d+):(\\d+)`, "g");
  const shown = new Map<string, string>();
  const display = (source: string): string => {
    let out = shown.get(source);
    if (out === undefined) {
      const path = source.startsWith("file:") ? fileURLToPath(source) : resolve(projectRoot, source);
      const rel = relative(projectRoot, path);
      out = rel.startsWith("..") || isAbsolute(rel) ? path : rel;
      shown.set(source, out);
    }
    return out;
  };
  return (text) =>
    text.replace(position, (whole, line: string, column: string) => {
      const original = originalPositionFor(map, { line: Number(line), column: Math.max(0, Number(column) - 1) });
      if (original.source === null) return whole;
      return `${display(original.source)}:${original.line}:${original.column + 1}`;
    });
}
