/**
 * PCRE (the regex dialect of ModSecurity and the OWASP CRS) to JavaScript. What JavaScript lacks
 * is rewritten exactly; what cannot be rewritten is refused with a reason, never approximated:
 *
 * - atomic groups `(?>X)` and possessive quantifiers `X*+ X++ X?+ X{n,m}+` become
 *   `(?=(?<_aN>X))\k<_aN>`: a lookahead matches X once and the backreference consumes exactly
 *   that, with no way back in: the same no-backtracking semantics, and the same protection
 *   against catastrophic backtracking the CRS authors relied on;
 * - capturing groups become named groups `(?<_cN>…)` so inserted groups never renumber them
 *   (`capture` reads `_c1` … `_c9`), and backreferences `\N` become `\k<_cN>`;
 * - a leading `(?i)` / `(?s)` / `(?m)` becomes a flag; a scoped `(?i:…)` expands each letter
 *   inside to both cases (`a` → `[aA]`, `[a-f]` → `[a-fA-F]`);
 * - `\A` → `^`, `\z` → `$`; `\Z` and a bare `$` → `$`, with `endAnchor` set so the caller also
 *   tries the input without a final newline (PCRE's `$` matches there too);
 * - `\x{HH}` → `\xHH`/`\uHHHH`, `\e` `\a` → their bytes, `\h` → `[ \t]`, `\Q…\E` → escaped literals,
 *   POSIX classes `[[:alpha:]]` → ranges, `(?P<n>` → `(?<n>`, `(?#…)` dropped.
 * Refused: recursion, conditionals, branch reset, `\K`, `\G`, `\R`, `\X`, Unicode properties,
 * inline flags other than i/s/m, and scoped flags other than `(?i:`.
 */
export class PcreTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PcreTranslationError";
  }
}

export interface TranslatedRegex {
  readonly source: string;
  readonly flags: string;
  /** Capturing groups of the original pattern, readable as `groups["_cN"]`. */
  readonly captures: number;
  /**
   * The pattern has a PCRE end anchor (`$`, `\Z`), which also matches before a final newline:
   * an input ending in "\n" must be tried without it too.
   */
  readonly endAnchor: boolean;
}

const POSIX: Readonly<Record<string, string>> = {
  alpha: "a-zA-Z", digit: "0-9", alnum: "a-zA-Z0-9", upper: "A-Z", lower: "a-z", space: "\\s", xdigit: "0-9A-Fa-f",
  word: "\\w", punct: "!-\\/:-@\\[-`{-~", blank: " \\t", cntrl: "\\x00-\\x1f\\x7f", print: "\\x20-\\x7e", graph: "\\x21-\\x7e",
};

function hexEscape(code: number): string {
  if (code > 0xffff) throw new PcreTranslationError(`code point \\x{${code.toString(16)}} is outside the BMP`);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

function isLetter(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

/** Translates one PCRE pattern; throws `PcreTranslationError` with the reason if it cannot. */
export function translatePcre(pattern: string): TranslatedRegex {
  let p = pattern;
  let flags = "";
  // Leading inline flags apply to the whole pattern.
  for (;;) {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(p);
    if (!m) break;
    for (const f of m[1]!) {
      if (f === "i" || f === "s" || f === "m") {
        if (!flags.includes(f)) flags += f;
      } else throw new PcreTranslationError(`inline flag (?${f}) has no JavaScript equivalent`);
    }
    p = p.slice(m[0].length);
  }
  let out = "";
  let captures = 0;
  let aux = 0;
  // Open groups: where each starts in `out`, and whether it is a scoped (?i: group.
  const groups: { start: number; caseless: boolean; close: string }[] = [];
  let lastAtom = -1; // where the last quantifiable atom starts in `out`
  const caseless = (): boolean => !flags.includes("i") && groups.some((g) => g.caseless);
  // PCRE's `$` and `\Z` also match before a final newline. Written as a lookahead that would
  // keep V8 from running the pattern on its linear-time engine (see engine.ts), so they stay
  // `$` and `endAnchor` tells the caller to try the input without its final newline as well.
  let endAnchor = false;

  let i = 0;
  const readEscape = (inClass: boolean): string => {
    // p[i] is the backslash.
    const c = p[i + 1];
    if (c === undefined) throw new PcreTranslationError("pattern ends with a backslash");
    if (c === "x" && p[i + 2] === "{") {
      const end = p.indexOf("}", i + 3);
      const code = parseInt(p.slice(i + 3, end), 16);
      if (end < 0 || !Number.isFinite(code)) throw new PcreTranslationError(`bad \\x{…} escape at ${i}`);
      i = end + 1;
      return hexEscape(code);
    }
    i += 2;
    switch (c) {
      case "e":
        return "\\x1b";
      case "a":
        return "\\x07";
      case "h":
        return inClass ? " \\t" : "[ \\t]";
      case "A":
        if (inClass) throw new PcreTranslationError("\\A inside a character class");
        return "^";
      case "z":
        return "$";
      case "Z":
        endAnchor = true;
        return "$";
      case "/":
        return "\\/";
      case "K": case "G": case "R": case "X": case "C": case "N": case "H": case "V": case "p": case "P": case "g": case "L": case "l": case "U": case "u":
        throw new PcreTranslationError(`escape \\${c} has no JavaScript equivalent`);
      case "Q": {
        const end = p.indexOf("\\E", i);
        const literal = p.slice(i, end < 0 ? p.length : end);
        i = end < 0 ? p.length : end + 2;
        return [...literal].map(escapeLiteral).join("");
      }
      case "E":
        return "";
      default:
        if (c >= "1" && c <= "9" && !inClass) {
          let n = c;
          while (p[i] !== undefined && p[i]! >= "0" && p[i]! <= "9" && Number(n + p[i]) <= captures) n += p[i++];
          return `\\k<_c${n}>`;
        }
        if (c === "0" || (c >= "1" && c <= "7" && inClass)) {
          let oct = c;
          while (oct.length < 3 && p[i] !== undefined && p[i]! >= "0" && p[i]! <= "7") oct += p[i++];
          return hexEscape(parseInt(oct, 8));
        }
        // A letter matched caselessly inside a scoped (?i: group when escaped literally (`\.` etc. are not letters).
        return `\\${c}`;
    }
  };

  while (i < p.length) {
    const c = p[i]!;
    if (c === "\\") {
      const start = out.length;
      const next = p[i + 1];
      const esc = readEscape(false);
      out += next === "Q" && esc.length > 0 && caseless() ? [...esc.replace(/\\(.)/g, "$1")].map((ch) => (isLetter(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeLiteral(ch))).join("") : esc;
      lastAtom = start;
      continue;
    }
    if (c === "[") {
      const start = out.length;
      out += "[";
      i++;
      if (p[i] === "^") {
        out += "^";
        i++;
      }
      // A `]` right after the opener is a literal in PCRE.
      if (p[i] === "]") {
        out += "\\]";
        i++;
      }
      const fold = caseless();
      let body = "";
      while (i < p.length && p[i] !== "]") {
        if (p.startsWith("[:", i)) {
          const end = p.indexOf(":]", i + 2);
          const name = end < 0 ? "" : p.slice(i + 2, end);
          const negated = name.startsWith("^");
          const cls = POSIX[negated ? name.slice(1) : name];
          if (cls === undefined || negated) throw new PcreTranslationError(`POSIX class [:${name}:] is not supported`);
          body += cls;
          i = end + 2;
          continue;
        }
        if (p[i] === "\\") {
          body += readEscape(true);
          continue;
        }
        if (p[i] === "[") {
          body += "\\[";
          i++;
          continue;
        }
        const ch = p[i]!;
        // Ranges of letters inside a caseless scope cover both cases.
        if (fold && isLetter(ch) && p[i + 1] === "-" && p[i + 2] !== undefined && isLetter(p[i + 2]!) && p[i + 2] !== "]") {
          const to = p[i + 2]!;
          body += `${ch.toLowerCase()}-${to.toLowerCase()}${ch.toUpperCase()}-${to.toUpperCase()}`;
          i += 3;
          continue;
        }
        body += fold && isLetter(ch) ? `${ch.toLowerCase()}${ch.toUpperCase()}` : ch;
        i++;
      }
      if (p[i] !== "]") throw new PcreTranslationError("unterminated character class");
      i++;
      out += `${body}]`;
      lastAtom = start;
      continue;
    }
    if (c === "(") {
      const start = out.length;
      if (p[i + 1] === "?") {
        const rest = p.slice(i + 2);
        if (rest.startsWith("#")) {
          const end = p.indexOf(")", i);
          i = end < 0 ? p.length : end + 1;
          continue;
        }
        if (rest.startsWith(":") || rest.startsWith("=") || rest.startsWith("!") || rest.startsWith("<=") || rest.startsWith("<!")) {
          const len = rest.startsWith("<") ? 4 : 3;
          out += p.slice(i, i + len);
          i += len;
          groups.push({ start, caseless: false, close: ")" });
          continue;
        }
        if (rest.startsWith(">")) {
          const name = `_a${++aux}`;
          out += `(?=(?<${name}>`;
          i += 3;
          groups.push({ start, caseless: false, close: `))\\k<${name}>` });
          continue;
        }
        const named = /^(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
        if (named) {
          captures++;
          out += `(?<_c${captures}>`;
          i += 2 + named[0].length;
          groups.push({ start, caseless: false, close: ")" });
          continue;
        }
        const scoped = /^([a-zA-Z]*)(?:-([a-zA-Z]+))?:/.exec(rest);
        if (scoped && scoped[1] !== undefined && /^i?$/.test(scoped[1]) && scoped[2] === undefined) {
          out += "(?:";
          i += 2 + scoped[0].length;
          groups.push({ start, caseless: scoped[1] === "i", close: ")" });
          continue;
        }
        const inline = /^([a-zA-Z]+)\)/.exec(rest);
        // `^(?i)…`: a flag group before anything that could match applies to the whole pattern.
        if (inline && /^[ism]+$/.test(inline[1]!) && groups.length === 0 && (out === "" || out === "^")) {
          for (const f of inline[1]!) if (!flags.includes(f)) flags += f;
          i += 2 + inline[0].length;
          continue;
        }
        throw new PcreTranslationError(`group syntax (?${rest.slice(0, 6)}… at offset ${i} has no JavaScript equivalent`);
      }
      captures++;
      out += `(?<_c${captures}>`;
      i++;
      groups.push({ start, caseless: false, close: ")" });
      continue;
    }
    if (c === ")") {
      const g = groups.pop();
      if (!g) throw new PcreTranslationError(`unbalanced ")" at offset ${i}`);
      out += g.close;
      lastAtom = g.start;
      i++;
      continue;
    }
    if (c === "*" || c === "+" || c === "?" || (c === "{" && /^\{\d+(,\d*)?\}/.test(p.slice(i)))) {
      let q = c;
      if (c === "{") {
        q = /^\{\d+(,\d*)?\}/.exec(p.slice(i))![0];
      }
      i += q.length;
      if (p[i] === "+") {
        // Possessive: the atom, quantified, matched atomically.
        if (lastAtom < 0) throw new PcreTranslationError(`possessive quantifier with nothing to repeat at offset ${i}`);
        const name = `_a${++aux}`;
        out = `${out.slice(0, lastAtom)}(?=(?<${name}>${out.slice(lastAtom)}${q}))\\k<${name}>`;
        i++;
      } else {
        out += q;
        if (p[i] === "?") {
          out += "?";
          i++;
        }
      }
      lastAtom = -1;
      continue;
    }
    if (c === "$") {
      lastAtom = -1;
      if (!flags.includes("m")) endAnchor = true;
      out += "$";
      i++;
      continue;
    }
    if (c === "|" || c === "^") {
      lastAtom = -1;
      out += c;
      i++;
      continue;
    }
    lastAtom = out.length;
    if (c === "/") out += "\\/";
    else if (isLetter(c) && caseless()) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c;
    i++;
  }
  if (groups.length > 0) throw new PcreTranslationError("unterminated group");
  try {
    new RegExp(out, flags);
  } catch (error) {
    throw new PcreTranslationError(`translated pattern does not compile: ${(error as Error).message}`);
  }
  return { source: out, flags, captures, endAnchor };
}
