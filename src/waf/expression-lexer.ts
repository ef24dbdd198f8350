import { WafRuleSyntaxError } from "./syntax-error.js";

export type TokenKind = "ident" | "string" | "number" | "ip" | "punct" | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** For strings, the unescaped value; otherwise the text. */
  readonly value: string;
  readonly pos: number;
}

const PUNCT = ["==", "!=", "<=", ">=", "&&", "||", "^^", "(", ")", "{", "}", "[", "]", ",", "!", "<", ">", "~"];

/** Splits an expression into tokens; raw strings `r"…"` keep backslashes for regexes. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || (c === "r" && source[i + 1] === '"')) {
      const raw = c === "r";
      i += raw ? 2 : 1;
      let value = "";
      for (;;) {
        if (i >= source.length) throw new WafRuleSyntaxError(start, "unterminated string");
        const d = source[i] as string;
        if (d === '"') break;
        if (d === "\\" && !raw) {
          const e = source[i + 1];
          if (e !== '"' && e !== "\\") throw new WafRuleSyntaxError(i, `unknown escape \\${e ?? ""} (only \\" and \\\\)`);
          value += e;
          i += 2;
          continue;
        }
        if (d === "\\" && raw && source[i + 1] === '"') {
          value += '\\"';
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: "string", text: source.slice(start, i), value, pos: start });
      continue;
    }
    // An address run: digits, hex, dots, colons and a prefix. It is an IP when it has a colon,
    // a slash or exactly three dots; otherwise a plain number.
    const ipRun = /^[0-9a-fA-F:.]*[:.][0-9a-fA-F:.]*(\/\d+)?/.exec(source.slice(i));
    if (ipRun && (/^\d/.test(c) || c === ":") && (ipRun[0].includes(":") || ipRun[0].split(".").length === 4)) {
      i += ipRun[0].length;
      tokens.push({ kind: "ip", text: ipRun[0], value: ipRun[0], pos: start });
      continue;
    }
    if (/[a-fA-F]/.test(c) && ipRun && ipRun[0].includes(":")) {
      i += ipRun[0].length;
      tokens.push({ kind: "ip", text: ipRun[0], value: ipRun[0], pos: start });
      continue;
    }
    if (/\d/.test(c) || (c === "-" && /\d/.test(source[i + 1] ?? ""))) {
      const m = /^-?\d+(\.\d+)?(\/\d+)?/.exec(source.slice(i)) as RegExpExecArray;
      const kind = m[0].includes("/") ? "ip" : "number";
      i += m[0].length;
      tokens.push({ kind, text: m[0], value: m[0], pos: start });
      continue;
    }
    if (/[a-zA-Z_]/.test(c)) {
      const m = /^[a-zA-Z_][a-zA-Z0-9_.]*/.exec(source.slice(i)) as RegExpExecArray;
      i += m[0].length;
      tokens.push({ kind: "ident", text: m[0], value: m[0], pos: start });
      continue;
    }
    const p = PUNCT.find((q) => source.startsWith(q, i));
    if (!p) throw new WafRuleSyntaxError(start, `unexpected character "${c}"`);
    i += p.length;
    tokens.push({ kind: "punct", text: p, value: p, pos: start });
  }
  tokens.push({ kind: "eof", text: "", value: "", pos: source.length });
  return tokens;
}
