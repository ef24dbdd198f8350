/**
 * Which engine runs a CRS pattern, so that no input can stall the server.
 *
 * V8's backtracking engine is fast but can take exponential time (a quantified group holding a
 * quantifier: 932150 on `" ( ( ( …"`) or high polynomial time (several unbounded loops over the
 * same characters: 941170 on `'-'-'-…`). A pattern with at most one repeating loop and none
 * nested backtracks at most quadratically in its input, which the engine caps at 2 KiB: those
 * run on V8. Every other pattern runs on RE2 (re2js, a pure-JavaScript port of Google's RE2),
 * whose matching time is linear in the input by construction, with no process-wide flag.
 *
 * RE2 has no lookaround or backreferences. The three CRS 3.3 patterns that need them and have
 * several loops (920600 with atomic groups, whose emulation `(?=(X))\k` cannot backtrack into
 * X; 942130 and 942260) stay on V8; the tests name them and run adversarial input through them.
 */
import { RE2JS } from "re2js";

export interface PatternRisk {
  /** Quantifiers that can repeat more than once (`*`, `+`, `{n,}`, `{n,m}` with m > 1). */
  readonly loops: number;
  /** A repeating group that itself holds a repeating quantifier. */
  readonly nested: boolean;
  /** Lookaround or backreference (not expressible in RE2). */
  readonly needsBacktracking: boolean;
}

/** The shape of a JavaScript pattern that decides its worst-case backtracking. */
export function patternRisk(source: string): PatternRisk {
  let loops = 0;
  let nested = false;
  const stack: boolean[] = [false];
  let inClass = false;
  const repeats = (at: number): number => {
    const q = /^(?:[*+]|\{\d+,\d*\})/.exec(source.slice(at));
    if (!q) return 0;
    const m = /^\{(\d+),(\d*)\}/.exec(q[0]);
    return m && m[2] !== "" && Number(m[2]) <= 1 ? 0 : q[0].length;
  };
  // After an atom ends at `i`: count a repeating quantifier on it, return where to go on.
  const quantified = (i: number, groupInner: boolean): number => {
    const q = repeats(i + 1);
    if (q > 0) {
      loops++;
      if (groupInner) nested = true;
    }
    if (q > 0 || groupInner) stack[stack.length - 1] = true;
    return i + q;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      if (!inClass) i = quantified(i, false);
      continue;
    }
    if (inClass) {
      if (c === "]") {
        inClass = false;
        i = quantified(i, false);
      }
      continue;
    }
    if (c === "[") {
      inClass = true;
      continue;
    }
    if (c === "(") {
      stack.push(false);
      continue;
    }
    if (c === ")") {
      i = quantified(i, stack.pop() ?? false);
      continue;
    }
    i = quantified(i, false);
  }
  const needsBacktracking = /\(\?<?[=!]|\\k<|\\[1-9]/.test(source);
  return { loops, nested, needsBacktracking };
}

// JavaScript's \s and `.` (without the s flag), spelled for RE2, whose own \s lacks \v and the
// Unicode spaces and whose `.` excludes only \n: the same pattern must match the same text.
const JS_SPACES = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";
// Everything else (JavaScript's \S), as ranges usable inside a class.
const JS_NON_SPACES =
  "\\x{0}-\\x{8}\\x{E}-\\x{1F}!-\\x{9F}\\x{A1}-\\x{167F}\\x{1681}-\\x{1FFF}\\x{200B}-\\x{2027}\\x{202A}-\\x{202E}\\x{2030}-\\x{205E}\\x{2060}-\\x{2FFF}\\x{3001}-\\x{FEFE}\\x{FF00}-\\x{10FFFF}";

/** A JavaScript pattern (as `translatePcre` writes it) in RE2's syntax, or undefined. */
export function toRe2Syntax(source: string, dotAll: boolean): string | undefined {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const n = source[i + 1] ?? "";
      i++;
      if (n === "u") {
        out += `\\x{${source.slice(i + 1, i + 5)}}`;
        i += 4;
      } else if (n === "s") out += inClass ? JS_SPACES : `[${JS_SPACES}]`;
      else if (n === "S") out += inClass ? JS_NON_SPACES : `[${JS_NON_SPACES}]`; else if (n === "c" || n === "k" || /[1-9]/.test(n)) return undefined;
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (source[i + 1] === "^") {
        out += "^";
        i++;
      }
      // JavaScript's `[]` matches nothing and `[^]` anything; RE2 reads `]` there as a literal.
      if (source[i + 1] === "]") return undefined;
      continue;
    }
    if (c === "." && !dotAll) {
      out += "[^\\n\\r\\x{2028}\\x{2029}]";
      continue;
    }
    if (c === "(" && source.startsWith("(?<", i)) {
      if (source[i + 3] === "=" || source[i + 3] === "!") return undefined;
      out += "(?P<";
      i += 2;
      continue;
    }
    if (c === "(" && (source.startsWith("(?=", i) || source.startsWith("(?!", i))) return undefined;
    out += c;
  }
  return out;
}

/** What the engine needs of a compiled pattern. */
export interface PatternMatcher {
  readonly engine: "v8" | "re2";
  test(input: string): boolean;
  /** The match and capture `_cN` of group N (1-9), or undefined when there is no match. */
  exec(input: string): { readonly match: string; group(n: number): string } | undefined;
}

function v8Matcher(re: RegExp): PatternMatcher {
  return {
    engine: "v8",
    test: (input) => re.test(input),
    exec: (input) => {
      const m = re.exec(input);
      return m === null ? undefined : { match: m[0], group: (n) => m.groups?.[`_c${n}`] ?? "" };
    },
  };
}

function re2Matcher(p: RE2JS): PatternMatcher {
  return {
    engine: "re2",
    test: (input) => p.test(input),
    exec: (input) => {
      const m = p.matcher(input);
      if (!m.find()) return undefined;
      return {
        match: m.group(0) ?? "",
        group: (n) => {
          try {
            return m.group(`_c${n}`) ?? "";
          } catch {
            return "";
          }
        },
      };
    },
  };
}

/**
 * Compiles a translated pattern on the engine its shape calls for: V8 when its backtracking is
 * at most quadratic, else RE2 when RE2 can express it, else V8 (atomic-group patterns).
 */
export function compilePattern(source: string, flags: string): PatternMatcher {
  const re = new RegExp(source, flags);
  const risk = patternRisk(source);
  if (!risk.nested && risk.loops <= 1) return v8Matcher(re);
  if (risk.needsBacktracking) return v8Matcher(re);
  const re2Source = toRe2Syntax(source, flags.includes("s"));
  if (re2Source === undefined) return v8Matcher(re);
  const re2Flags = (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes("s") ? RE2JS.DOTALL : 0) | (flags.includes("m") ? RE2JS.MULTILINE : 0);
  try {
    return re2Matcher(RE2JS.compile(re2Source, re2Flags));
  } catch {
    return v8Matcher(re);
  }
}
