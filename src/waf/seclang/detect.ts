/**
 * `@detectSQLi` and `@detectXSS`: tokenizer-based detectors in the manner of libinjection
 * (which has no maintained JavaScript port on npm for Node 20; this is edge-kata's own, far
 * smaller). Both tokenize the input the way a SQL parser or an HTML parser would, in each
 * context the input could be pasted into, and look at the shape of the tokens rather than at
 * words: `O'Brien and Sons` tokenizes as string-bareword-logic-bareword and passes, `' OR 1=1--`
 * as string-logic-number-operator-number-comment and is SQL injection.
 */

import { LiteralAutomaton } from "./prefilter.js";

// Token letters, after libinjection's: s string, 1 number, v variable, n bareword, f attack
// function (sleep, load_file …), g other SQL function, k keyword, E statement, U union, & logic operator, o operator, c comment.
const LOGIC = new Set(["and", "or", "xor", "&&", "||"]);
const UNION = new Set(["union", "intersect", "except"]);
const STATEMENT = new Set(["select", "insert", "update", "delete", "drop", "create", "alter", "exec", "execute", "declare", "truncate", "shutdown", "grant", "waitfor", "load", "merge", "call", "handler", "rename", "replace"]);
const KEYWORD = new Set([
  "from", "where", "having", "group", "order", "by", "limit", "offset", "like", "rlike", "regexp", "is", "null", "in", "between", "case",
  "when", "then", "else", "end", "as", "all", "distinct", "top", "procedure", "sounds", "div", "mod", "delay", "values", "set", "table",
  "database", "exists", "true", "false", "join", "into", "outfile", "dumpfile", "not", "collate", "escape", "desc", "asc", "binary",
]);
// Functions whose call alone is an attack (time-based blind probes, file and error-based reads).
const ATTACK_FUNCTION = new Set([
  "sleep", "benchmark", "pg_sleep", "load_file", "extractvalue", "updatexml", "randomblob", "dbms_pipe.receive_message", "utl_inaddr.get_host_name",
  "xp_cmdshell", "name_const", "gtid_subset", "sys_eval", "sys_exec", "pg_read_file", "waitfor", "json_keys", "exp", "polygon", "multipoint",
  "geometrycollection", "linestring",
]);
const FUNCTION = new Set([
  ...ATTACK_FUNCTION, "concat", "concat_ws", "group_concat", "char", "chr", "nchar", "ascii", "substring", "substr", "mid", "version",
  "database", "user", "current_user", "system_user", "session_user", "count", "load_file", "extractvalue", "updatexml", "if", "ifnull", "nullif",
  "hex", "unhex", "md5", "sha1", "length", "len", "cast", "convert", "coalesce", "randomblob", "dbms_pipe.receive_message", "utl_inaddr.get_host_name",
  "xp_cmdshell", "exp", "floor", "rand", "elt", "make_set", "name_const", "row_count", "schema", "waitfor", "lower", "upper", "iif", "instr", "ord",
  "sys_eval", "sys_exec", "json_keys", "json_extract", "gtid_subset", "polygon", "multipoint", "geometrycollection", "linestring", "to_char", "pg_read_file",
]);

function sqlTokens(input: string, quote: "" | "'" | '"'): string {
  let fp = "";
  let i = 0;
  const s = input.toLowerCase();
  if (quote !== "") {
    // The input starts inside a string: the first quote closes it.
    const end = s.indexOf(quote);
    if (end < 0) return "s";
    fp += "s";
    i = end + 1;
  }
  while (i < s.length && fp.length < 8) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === "\\" ? 2 : 1;
      fp += c === "`" ? "n" : "s";
      i = j + 1;
      continue;
    }
    if (c === "-" && s[i + 1] === "-") {
      fp += "c";
      const nl = s.indexOf("\n", i);
      i = nl < 0 ? s.length : nl;
      continue;
    }
    if (c === "#") {
      fp += "c";
      const nl = s.indexOf("\n", i);
      i = nl < 0 ? s.length : nl;
      continue;
    }
    if (c === "/" && s[i + 1] === "*") {
      const end = s.indexOf("*/", i + 2);
      // MySQL runs `/*! … */` as code: read its inside as tokens.
      if (s[i + 2] === "!") {
        i += 3;
        while (i < s.length && /\d/.test(s[i]!)) i++;
        continue;
      }
      fp += "c";
      i = end < 0 ? s.length : end + 2;
      continue;
    }
    if (c === "*" && s[i + 1] === "/") {
      i += 2;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(s[i + 1] ?? ""))) {
      const m = /^(0x[0-9a-f]+|0b[01]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?)/.exec(s.slice(i, i + 64))!;
      fp += "1";
      i += Math.max(1, m[0].length);
      continue;
    }
    if (c === "@") {
      const m = /^@@?[\w.$]*/.exec(s.slice(i, i + 128))!;
      fp += "v";
      i += m[0].length;
      continue;
    }
    if (/[a-z_$]/.test(c)) {
      const m = /^[a-z_$][\w$.]*/.exec(s.slice(i, i + 128))!;
      const word = m[0];
      i += word.length;
      let j = i;
      while (j < s.length && /\s/.test(s[j]!)) j++;
      if (LOGIC.has(word)) fp += "&";
      else if (UNION.has(word)) fp += "U";
      else if (STATEMENT.has(word) && !(s[j] === "(" && FUNCTION.has(word))) fp += "E";
      else if (s[j] === "(" && ATTACK_FUNCTION.has(word)) fp += "f";
      else if (s[j] === "(" && FUNCTION.has(word)) fp += "g";
      else if (KEYWORD.has(word)) fp += "k";
      else fp += "n";
      continue;
    }
    if (c === "|" && s[i + 1] === "|") {
      fp += "&";
      i += 2;
      continue;
    }
    if (c === "&" && s[i + 1] === "&") {
      fp += "&";
      i += 2;
      continue;
    }
    // A URL escape in a value seen before decoding (multiMatch) is a separator, not modulo.
    if (c === "%" && /^[0-9a-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      i += 3;
      continue;
    }
    if ("=<>!+-*/%^|&~:".includes(c)) {
      while (i < s.length && "=<>!".includes(s[i + 1] ?? "") && "=<>!".includes(s[i]!)) i++;
      fp += "o";
      i++;
      continue;
    }
    if ("(),;".includes(c)) {
      fp += c;
      i++;
      continue;
    }
    i++;
  }
  return fp;
}

// Shapes that are SQL injection, per context. Quoted contexts begin with the closed string `s`.
const QUOTED_SQLI = [
  /^s\)*\s*[&;U]/, // ' or …, ') or …, '; drop …, ' union …
  /^s\)*o[s1fgv(]/, // '=' … , '+sleep(…) (not `N'+Roses`: a quote, a plus, a word)
  /^s\)*c/, // admin'-- , admin'#
  /^s\)*k(1|s|v|\()/, // ' like 1, ' having 1
  /^s\)*[fg]\(/, // '||sleep(5)
];
const BARE_SQLI = [
  /^[1nv]\)*&\(*[1nvs]o/, // 1 or 1=1, x and 'a'='a'
  /^[1nv]\)*&\(*[fgE(]/, // 1 and sleep(5), 1 and ascii(…), 1 or (select …)
  /^[1nv]?\)*;E/, // 1; drop table …
  /U(k|\()*E/, // union [all] select
  /^\(*E(o|[nv1fg](,[nv1fg])*)k[nv1]/, // select * from users
  /^\(*E\(*[fg]/, // select sleep(…)
  /^[1nv]?\)*f\(/, // sleep(5), benchmark(…)
  /^[1v]\)*c$/, // 1-- , 1#
];

/** True when `input` tokenizes as SQL injection in a bare, single- or double-quoted context. */
// Every BARE_SQLI shape holds a logic `&`, statement `E`, union `U`, attack function `f` or
// comment `c` token; those tokens come only from these words and symbols. Text without any of
// them (as a substring, so a superset of the tokens) cannot tokenize as bare SQL injection.
const BARE_TOKEN_SOURCES = [...LOGIC, ...UNION, ...STATEMENT, ...ATTACK_FUNCTION, "--", "#", "/*"];
const bareTokenSources = new LiteralAutomaton(BARE_TOKEN_SOURCES.map((text) => ({ text, gate: 0 })));

function mayBeBareSqli(lower: string): boolean {
  let found = false;
  bareTokenSources.scan(lower, () => {
    found = true;
  });
  return found;
}

export function detectSqli(input: string): boolean {
  if (input.length === 0) return false;
  const capped = input.length > 4096 ? input.slice(0, 4096) : input;
  if (mayBeBareSqli(capped.toLowerCase()) && BARE_SQLI.some((re) => re.test(sqlTokens(capped, "")))) return true;
  if (capped.includes("'") && QUOTED_SQLI.some((re) => re.test(sqlTokens(capped, "'")))) return true;
  if (capped.includes('"') && QUOTED_SQLI.some((re) => re.test(sqlTokens(capped, '"')))) return true;
  return false;
}

const XSS_TAGS = new Set([
  "script", "iframe", "object", "embed", "applet", "frame", "frameset", "base", "meta", "link", "style", "svg", "math", "xml", "import",
  "isindex", "vmlframe", "xss", "template", "marquee", "noscript", "param", "animate", "set", "handler", "listener", "portal",
]);
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "background", "dynsrc", "lowsrc", "codebase", "poster", "srcdoc", "to", "from", "values", "by", "folder", "xmlns"]);

function decodeAttributeValue(v: string): string {
  return v
    .replace(/&(#x[0-9a-f]+|#\d+|colon|tab|newline|lpar|rpar);?/gi, (_m, ref: string) => {
      const r = ref.toLowerCase();
      if (r === "colon") return ":";
      if (r === "tab") return "\t";
      if (r === "newline") return "\n";
      if (r === "lpar") return "(";
      if (r === "rpar") return ")";
      const code = r[1] === "x" ? parseInt(r.slice(2), 16) : parseInt(r.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
    })
    .replace(/[\u0000-\u0020\u007f]+/g, "")
    .toLowerCase();
}

/** Scans attributes from `i` in `s` (inside a tag) to the tag's end; true when one is script. */
function dangerousAttributes(s: string, i: number): boolean {
  const re = /[\s/]*([^\s/>=]+)(?:\s*=\s*("[^"]*"?|'[^']*'?|`[^`]*`?|[^\s>]*))?/y;
  re.lastIndex = i;
  for (let n = 0; n < 64 && re.lastIndex < s.length && s[re.lastIndex] !== ">"; n++) {
    const at = re.lastIndex;
    const m = re.exec(s);
    if (!m || re.lastIndex === at) break;
    const name = m[1]!.toLowerCase();
    const raw = m[2] ?? "";
    const value = decodeAttributeValue(raw.replace(/^["'`]|["'`]$/g, ""));
    if (name.length > 2 && name.startsWith("on") && m[2] !== undefined) return true;
    if (name === "style" && /expression\(|url\(\s*['"]?\s*(javascript|vbscript):|-moz-binding|behavior:/.test(value)) return true;
    if (URL_ATTRIBUTES.has(name) && /^(javascript|vbscript|livescript|data:text\/html|data:(application|image\/svg))/.test(value)) return true;
  }
  return false;
}

/**
 * True when `input` parses as HTML that runs script: a script-capable tag, an event handler, a script URL.
 * Each of the three checks needs a character most clean values lack: a script URL its `:`
 * (or an `&` for `&colon;`/`&#58;`), a tag its `<`, an attribute break-out its quote; text
 * with none of them is answered at once (`detectXssUnfiltered` is the same without that step,
 * for the tests).
 */
export function detectXss(input: string): boolean {
  if (!mayBeXss(input)) return false;
  return detectXssUnfiltered(input);
}

function mayBeXss(input: string): boolean {
  const n = Math.min(input.length, 8192);
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    // : & < " ' `
    if (c === 58 || c === 38 || c === 60 || c === 34 || c === 39 || c === 96) return true;
  }
  return false;
}

export function detectXssUnfiltered(input: string): boolean {
  if (input.length === 0) return false;
  const s = input.length > 8192 ? input.slice(0, 8192) : input;
  const lower = s.toLowerCase();
  if (/^[\s\u0000-\u001f]*(javascript|vbscript|livescript)\s*:/.test(decodeAttributeValue(lower.slice(0, 256)).replace(/^[^a-z]*/, ""))) return true;
  // Data state: tags.
  const tag = /<\/?([a-z][a-z0-9:_-]*)|<!--|<\?|<%/g;
  let m: RegExpExecArray | null;
  let tags = 0;
  while ((m = tag.exec(lower)) !== null && tags++ < 256) {
    const name = m[1];
    if (name === undefined) {
      if (m[0] === "<!--" && /<!--\s*\[if|<!--[^>]*<script/.test(lower.slice(m.index, m.index + 200))) return true;
      continue;
    }
    if (XSS_TAGS.has(name)) return true;
    if (dangerousAttributes(s, m.index + m[0].length)) return true;
  }
  // Attribute context: the input breaks out of a quoted or unquoted attribute value.
  for (const q of ['"', "'", "`"]) {
    const at = s.indexOf(q);
    if (at >= 0 && dangerousAttributes(s, at + 1)) return true;
  }
  return false;
}
