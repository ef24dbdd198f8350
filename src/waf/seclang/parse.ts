/**
 * SecLang (ModSecurity's configuration language) to directives: `SecRule VARIABLES OPERATOR
 * ACTIONS`, `SecAction ACTIONS`, `SecMarker`, `SecDefaultAction`, `SecRuleUpdateTargetById`,
 * `SecRuleRemoveById`, … Lines continue with a trailing backslash; `#` starts a comment line;
 * arguments are words or double-quoted strings in which only `\"` is an escape (as Apache's
 * configuration reader does), so regexes keep their backslashes.
 */
import { translatePcre } from "./pcre.js";

export class SecLangSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = "SecLangSyntaxError";
  }
}

export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
}

function splitArgs(text: string, file: string, line: number): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const q = text[i];
    if (q === '"' || q === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new SecLangSyntaxError(file, line, `unterminated ${q} string`);
        const c = text[i]!;
        if (c === "\\" && text[i + 1] === q) {
          value += q;
          i += 2;
          continue;
        }
        if (c === q) {
          i++;
          break;
        }
        value += c;
        i++;
      }
      args.push(value);
    } else {
      let value = "";
      while (i < text.length && !/\s/.test(text[i]!)) value += text[i++];
      args.push(value);
    }
  }
  return args;
}

/** Every directive of a configuration file, with its file name and first line number. */
export function parseSecLang(text: string, file = "<inline>"): Directive[] {
  const lines = text.split(/\r?\n/);
  const out: Directive[] = [];
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const first = n + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && n + 1 < lines.length) line = line.replace(/\\\s*$/, "") + lines[++n]!.replace(/^\s+/, " ");
    const args = splitArgs(line.trim(), file, first);
    const name = args.shift();
    if (name !== undefined) out.push({ name, args, file, line: first });
  }
  return out;
}

export interface Action {
  readonly name: string;
  readonly value: string;
}

/** `id:1,phase:2,msg:'a, b',t:none` into name/value pairs; single quotes protect commas. */
export function parseActions(text: string): Action[] {
  const out: Action[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let name = "";
    while (i < text.length && text[i] !== ":" && text[i] !== ",") name += text[i++];
    let value = "";
    if (text[i] === ":") {
      i++;
      while (i < text.length && text[i] === " ") i++;
      if (text[i] === "'") {
        i++;
        while (i < text.length && text[i] !== "'") {
          if (text[i] === "\\" && text[i + 1] === "'") i++;
          value += text[i++];
        }
        i++;
      } else {
        while (i < text.length && text[i] !== ",") value += text[i++];
      }
    }
    out.push({ name: name.trim(), value: value.trim() });
  }
  return out;
}

export interface VariableSpec {
  /** Upper-cased collection or variable name, e.g. `ARGS`, `REQUEST_HEADERS`, `TX`. */
  readonly collection: string;
  /** `ARGS:id` → "id"; `ARGS:/^a/` → a regex; none → every member. */
  readonly selector?: string | RegExp;
  /** `&ARGS`: the number of members instead of their values. */
  readonly count: boolean;
  /** `!ARGS:id`: removes members from the rule's other targets. */
  readonly exclude: boolean;
}

/** `ARGS|!ARGS:foo|&TX:x|REQUEST_HEADERS:/^x-/` into specs (a `|` inside `/…/` does not split). */
export function parseVariables(text: string): VariableSpec[] {
  const parts: string[] = [];
  let cur = "";
  let inRegex = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && inRegex) {
      cur += c + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "/" && (inRegex || cur.endsWith(":"))) inRegex = !inRegex;
    if (c === "|" && !inRegex) {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts
    .filter((p) => p !== "")
    .map((p) => {
      let s = p;
      const exclude = s.startsWith("!");
      if (exclude) s = s.slice(1);
      const count = s.startsWith("&");
      if (count) s = s.slice(1);
      const colon = s.indexOf(":");
      const collection = (colon < 0 ? s : s.slice(0, colon)).toUpperCase();
      if (colon < 0) return { collection, count, exclude };
      const sel = s.slice(colon + 1);
      if (sel.length >= 2 && sel.startsWith("/") && sel.endsWith("/")) {
        const t = translatePcre(sel.slice(1, -1));
        return { collection, count, exclude, selector: new RegExp(t.source, t.flags.includes("i") ? t.flags : `${t.flags}i`) };
      }
      return { collection, count, exclude, selector: sel.replace(/^'|'$/g, "") };
    });
}
