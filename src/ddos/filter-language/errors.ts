import { EdgeError } from "../../core/errors.js";

// Long filters are shown as a window around the culprit so the message stays readable.
export const FILTER_EXCERPT_CHARS_MAX = 72;

/** A filter that does not parse; carries the 1-based column and a caret under the culprit. */
export class FilterSyntaxError extends EdgeError {
  readonly column: number;
  readonly excerpt: string;

  constructor(reason: string, source: string, column: number) {
    const excerpt = caretExcerpt(source, column);
    super("DDOS_FILTER_SYNTAX", 400, `${reason} at column ${column}\n${excerpt}`);
    this.name = "FilterSyntaxError";
    this.column = column;
    this.excerpt = excerpt;
  }
}

function caretExcerpt(source: string, column: number): string {
  const width = FILTER_EXCERPT_CHARS_MAX;
  if (source.length <= width) return `${source}\n${" ".repeat(Math.max(0, column - 1))}^`;
  const start = Math.max(0, Math.min(column - 1 - width / 2, source.length + 1 - width));
  const before = start > 0 ? "…" : "";
  const after = start + width < source.length ? "…" : "";
  return `${before}${source.slice(start, start + width)}${after}\n${" ".repeat(before.length + column - 1 - start)}^`;
}
