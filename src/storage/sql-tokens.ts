/**
 * SQLite's lexical rules (tokenize.c, `sqlite3GetToken`), enough to split a query string into
 * statements and to see every name a statement mentions. It follows SQLite exactly where that
 * decides what a name is: comments (`--` to the end of the line, `/* ... *\/` to its end or to
 * the end of input), strings ('it''s'), quoted identifiers ("a""b", `a``b`, [a b]), and
 * identifier characters (ASCII letters, digits, `_`, `$`, and every non-ASCII character).
 *
 * A mistake here can only make a statement fail, never let one through unchecked: each piece
 * is prepared on its own by better-sqlite3, which refuses text holding more than one statement,
 * and a piece cut too early is a syntax error.
 */

export type TokenKind =
  | "space" // whitespace or a comment
  | "word" // a bare identifier or keyword
  | "quoted" // "identifier", `identifier` or [identifier]
  | "string" // 'text' (SQLite also accepts it as a name in some places)
  | "blob" // x'00ff'
  | "number"
  | "variable" // ?, ?NNN, :name, @name, $name, #name
  | "semicolon"
  | "punct"
  | "illegal"; // an unterminated quote, a stray character

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** For word/quoted/string tokens: the name or text after unquoting; otherwise `text`. */
  readonly value: string;
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\f" || c === "\r";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/** SQLite's IdChar: A-Z a-z 0-9 _ $ and every byte >= 0x80 (so every non-ASCII character). */
export function isIdChar(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || isDigit(c) || c === "_" || c === "$" || c.charCodeAt(0) >= 0x80;
}

/** Reads a quoted token opened by `open` at `i`; a doubled closing quote stands for itself. */
function readQuoted(sql: string, i: number, close: string, doubles: boolean): { end: number; value: string } | null {
  let value = "";
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j] as string;
    if (c === close) {
      if (doubles && sql[j + 1] === close) {
        value += close;
        j += 2;
        continue;
      }
      return { end: j + 1, value };
    }
    value += c;
    j++;
  }
  return null;
}

/**
 * A number. Its exact form (hex, exponent, digit separators) decides nothing here, so the token
 * simply runs over digits, letters, `_`, `$` and dots: no comment, quote or semicolon can start
 * inside it, which is all the splitter and the policy need (SQLite reads "1e-3" as one token and
 * this as three, and both agree that "1--1" is a 1 and then a comment).
 */
function readNumber(sql: string, i: number): number {
  let j = i + 1;
  while (j < sql.length && (isIdChar(sql[j] as string) || sql[j] === ".")) j++;
  return j;
}

/** One token starting at `i`. */
function nextToken(sql: string, i: number): { kind: TokenKind; end: number; value?: string } {
  const c = sql[i] as string;
  const n = sql[i + 1] ?? "";
  if (isSpace(c)) {
    let j = i + 1;
    while (j < sql.length && isSpace(sql[j] as string)) j++;
    return { kind: "space", end: j };
  }
  if (c === "-" && n === "-") {
    const nl = sql.indexOf("\n", i + 2);
    return { kind: "space", end: nl === -1 ? sql.length : nl };
  }
  if (c === "/" && n === "*") {
    const close = sql.indexOf("*/", i + 2);
    return { kind: "space", end: close === -1 ? sql.length : close + 2 };
  }
  if (c === ";") return { kind: "semicolon", end: i + 1 };
  if (c === "'" || c === '"' || c === "`") {
    const q = readQuoted(sql, i, c, true);
    if (q === null) return { kind: "illegal", end: sql.length };
    return { kind: c === "'" ? "string" : "quoted", end: q.end, value: q.value };
  }
  if (c === "[") {
    const q = readQuoted(sql, i, "]", false);
    if (q === null) return { kind: "illegal", end: sql.length };
    return { kind: "quoted", end: q.end, value: q.value };
  }
  if ((c === "x" || c === "X") && n === "'") {
    const q = readQuoted(sql, i + 1, "'", false);
    if (q === null) return { kind: "illegal", end: sql.length };
    return { kind: "blob", end: q.end };
  }
  if (isDigit(c) || (c === "." && isDigit(n))) return { kind: "number", end: readNumber(sql, i) };
  if (c === "?") {
    let j = i + 1;
    while (isDigit(sql[j] ?? "")) j++;
    return { kind: "variable", end: j };
  }
  if (c === ":" || c === "@" || c === "$" || c === "#") {
    let j = i + 1;
    while (j < sql.length && isIdChar(sql[j] as string)) j++;
    return j === i + 1 ? { kind: "illegal", end: j } : { kind: "variable", end: j };
  }
  if (isIdChar(c)) {
    let j = i + 1;
    while (j < sql.length && isIdChar(sql[j] as string)) j++;
    return { kind: "word", end: j };
  }
  // Operators, one character at a time: which operator it is decides nothing here.
  if ("()+-*/%,.&|~=<>!".includes(c)) return { kind: "punct", end: i + 1 };
  return { kind: "illegal", end: i + 1 };
}

/** Every token of `sql`, whitespace and comments included, in order; their texts concatenate to `sql`. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const t = nextToken(sql, i);
    const text = sql.slice(i, t.end);
    tokens.push({ kind: t.kind, text, value: t.value ?? text });
    i = t.end;
  }
  return tokens;
}

/** One statement of a query: its text (without the terminating semicolon) and its tokens. */
export interface StatementText {
  readonly text: string;
  /** Tokens other than whitespace and comments. */
  readonly tokens: readonly Token[];
}

function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === "word" && t.text.toUpperCase() === word;
}

/** Whether the statement is CREATE [TEMP|TEMPORARY] TRIGGER, whose body holds semicolons. */
function isCreateTrigger(tokens: readonly Token[]): boolean {
  let i = 0;
  if (isWord(tokens[i], "EXPLAIN")) i += isWord(tokens[i + 1], "QUERY") ? 3 : 1;
  if (!isWord(tokens[i], "CREATE")) return false;
  i++;
  if (isWord(tokens[i], "TEMP") || isWord(tokens[i], "TEMPORARY")) i++;
  return isWord(tokens[i], "TRIGGER");
}

/**
 * Splits a query into statements the way `sqlite3_complete` finds their ends: at each
 * semicolon, except inside CREATE TRIGGER, which ends at a semicolon right after the END that
 * closes its body (an END closing a CASE expression does not count). Statements that are only
 * whitespace and comments are dropped, as SQLite skips them.
 */
export function splitStatements(sql: string): StatementText[] {
  const statements: StatementText[] = [];
  let text = "";
  let significant: Token[] = [];
  let caseDepth = 0;
  let bodyEnded = false;
  const flush = (): void => {
    if (significant.length > 0) statements.push({ text, tokens: significant });
    text = "";
    significant = [];
    caseDepth = 0;
    bodyEnded = false;
  };
  for (const token of tokenize(sql)) {
    if (token.kind === "semicolon" && (!isCreateTrigger(significant) || bodyEnded)) {
      flush();
      continue;
    }
    text += token.text;
    if (token.kind === "space") continue;
    significant.push(token);
    if (isWord(token, "CASE")) caseDepth++;
    else if (isWord(token, "END")) {
      if (caseDepth > 0) caseDepth--;
      else bodyEnded = true;
    } else bodyEnded = false;
  }
  flush();
  return statements;
}
