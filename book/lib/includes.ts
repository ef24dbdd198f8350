import { existsSync, readFileSync } from "node:fs";
import { extname, join, relative } from "node:path";

export class BookBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BookBuildError";
  }
}

const LANGS: Record<string, string> = { ".ts": "ts", ".js": "js", ".md": "md", ".toml": "toml", ".json": "json" };

/**
 * Pulls a named region out of a file: the lines between `ANCHOR: name` and `ANCHOR_END: name`
 * marker comments (mdBook's convention), with every marker line removed. The book build fails
 * when the file or the region is missing, so the book cannot drift from the code.
 */
export function extractRegion(root: string, spec: string, from: string): { code: string; lang: string; path: string } {
  const [path = "", anchor] = spec.split("#");
  if (!/^(src|katas|solutions|test|bench|book)\//.test(path)) {
    throw new BookBuildError(`${from}: include "${spec}" must point into src/, katas/, solutions/, test/, bench/ or book/`);
  }
  const file = join(root, path);
  if (!existsSync(file)) throw new BookBuildError(`${from}: included file ${path} does not exist`);
  const lines = readFileSync(file, "utf8").split("\n");
  let body = lines;
  if (anchor !== undefined) {
    const start = lines.findIndex((l) => new RegExp(`ANCHOR:\\s*${anchor}\\b`).test(l));
    const end = lines.findIndex((l) => new RegExp(`ANCHOR_END:\\s*${anchor}\\b`).test(l));
    if (start < 0 || end < start) throw new BookBuildError(`${from}: ${path} has no region "${anchor}" (ANCHOR: ${anchor} … ANCHOR_END: ${anchor})`);
    body = lines.slice(start + 1, end);
  }
  body = body.filter((l) => !/ANCHOR(_END)?:/.test(l));
  const indent = Math.min(...body.filter((l) => l.trim() !== "").map((l) => /^\s*/.exec(l)![0].length));
  const code = body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join("\n").replace(/\n+$/, "");
  return { code, lang: LANGS[extname(path)] ?? "", path: relative(root, file) };
}

export interface DirectiveContext {
  root: string;
  from: string;
  /** Extra named blocks (`{{#figure x}}`, `{{#answer kata}}`), resolved by the caller. */
  resolve(kind: string, arg: string): string;
}

/**
 * Expands `{{#include path#anchor}}` into a fenced code block titled with its path, and hands
 * other directives (`{{#answer q1-rate-limiter}}`, `{{#kata q1-rate-limiter}}`,
 * `{{#figure name}}`, `{{#bench}}`) to the caller.
 */
export function expandDirectives(markdown: string, ctx: DirectiveContext): string {
  return markdown.replace(/\{\{#(\w+)\s*([^}]*)\}\}/g, (_m, kind: string, arg: string) => {
    if (kind === "include") {
      const { code, lang, path } = extractRegion(ctx.root, arg.trim(), ctx.from);
      const fence = code.includes("```") ? "~~~~" : "```";
      return `<div class="code-source">${path}</div>\n\n${fence}${lang}\n${code}\n${fence}`;
    }
    return ctx.resolve(kind, arg.trim());
  });
}
