import { EdgeError } from "../core/errors.js";
import { splitStatements, type StatementText, type Token } from "../storage/sql-tokens.js";
import { DO_SQL_BOUND_PARAMETERS_MAX } from "./limits.js";

/**
 * What a Durable Object's own SQL may do, as Cloudflare's runtime decides it (workerd's SQLite
 * authorizer, `SqlStorage::isAllowedName` and `isAuthorized`, and the SQL limits on Cloudflare's
 * "Durable Objects > Platform > Limits" page). better-sqlite3 exposes no authorizer, so each
 * statement is checked on its tokens (sql-tokens.ts) before it is prepared:
 *
 * - names beginning with `_cf_` (any case, quoted or not, even as a 'string' used as a name)
 *   belong to the platform: its key-value table and its history live there;
 * - transactions are the JavaScript API's (`transactionSync`, `transaction`), not SQL's;
 * - ATTACH, DETACH, temporary objects and virtual tables other than FTS5 are refused, as on
 *   Cloudflare; VACUUM fails as it does there, inside the always-open transaction;
 * - PRAGMA only from Cloudflare's list, with the arguments it accepts.
 */

/** Cloudflare's message for BEGIN, COMMIT, SAVEPOINT and friends (workerd `allowTransactions`). */
export const SQL_TRANSACTION_MESSAGE =
  "To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs " +
  "instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. The JavaScript API is safer because it will " +
  "automatically roll back on exceptions, and because it interacts correctly with Durable Objects' automatic " +
  "atomic write coalescing.";

/** SQLite's message when an authorizer says no, as Cloudflare's runtime reports it. */
export const SQL_NOT_AUTHORIZED_MESSAGE = "not authorized: SQLITE_AUTH";

/** The prefix of every platform-owned table, index and trigger name. */
export const INTERNAL_NAME_PREFIX = "_cf_";

const TRANSACTION_WORDS = new Set(["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]);
const SCHEMA_WORDS = new Set(["CREATE", "DROP", "ALTER"]);

type PragmaSignature = "none" | "boolean" | "name" | "optionalName";
// workerd's ALLOWED_PRAGMAS plus the two it special-cases (table_list, table_info).
const PRAGMAS: ReadonlyMap<string, PragmaSignature> = new Map([
  ["data_version", "none"],
  ["table_list", "optionalName"],
  ["table_info", "name"],
  ["table_xinfo", "name"],
  ["case_sensitive_like", "boolean"],
  ["foreign_keys", "boolean"],
  ["defer_foreign_keys", "boolean"],
  ["ignore_check_constraints", "boolean"],
  ["recursive_triggers", "boolean"],
  ["reverse_unordered_selects", "boolean"],
  ["foreign_key_check", "optionalName"],
  ["foreign_key_list", "name"],
  ["index_info", "name"],
  ["index_list", "name"],
  ["index_xinfo", "name"],
]);
// Pragmas that read without side effects may also be used as table-valued functions.
const PRAGMA_FUNCTIONS = new Set(["table_list", "table_info", "table_xinfo", "foreign_key_list", "index_info", "index_list", "index_xinfo"]);
const BOOLEANS = new Set(["true", "false", "yes", "no", "on", "off", "1", "0"]);

/** One statement that passed the policy. */
export interface VettedStatement {
  readonly text: string;
  /** Its command word (after EXPLAIN [QUERY PLAN]): SELECT, INSERT, CREATE, ... */
  readonly command: string;
  /** CREATE, DROP or ALTER: it may change the schema. */
  readonly changesSchema: boolean;
  /** The parameters in SQLite's numbering: `names[i]` is parameter i+1's name, null for `?`. */
  readonly parameters: ReadonlyArray<string | null>;
}

export function notAuthorized(): EdgeError {
  return new EdgeError("DO_SQL_NOT_AUTHORIZED", 403, SQL_NOT_AUTHORIZED_MESSAGE);
}

function upper(t: Token | undefined): string {
  return t !== undefined && t.kind === "word" ? t.text.toUpperCase() : "";
}

/** The value of a word, "quoted" or 'string' token, lower-cased as SQLite compares names. */
function nameOf(t: Token | undefined): string | undefined {
  if (t === undefined) return undefined;
  return t.kind === "word" || t.kind === "quoted" || t.kind === "string" ? t.value.toLowerCase() : undefined;
}

/** Queries vetted recently (the check is pure, so its answer can be reused); least recently used evicted. */
const vetted = new Map<string, readonly VettedStatement[]>();
export const VETTED_QUERIES_MAX = 512;

/** Checks a whole `sql.exec()` query; returns its statements in order. */
export function vetQuery(sql: string): readonly VettedStatement[] {
  const known = vetted.get(sql);
  if (known !== undefined) {
    vetted.delete(sql);
    vetted.set(sql, known);
    return known;
  }
  const statements = Object.freeze(splitStatements(sql).map(vetStatement));
  vetted.set(sql, statements);
  if (vetted.size > VETTED_QUERIES_MAX) vetted.delete(vetted.keys().next().value as string);
  return statements;
}

export function vetStatement(statement: StatementText): VettedStatement {
  const tokens = statement.tokens;
  for (const t of tokens) {
    const name = nameOf(t);
    if (name === undefined) continue;
    if (name.startsWith(INTERNAL_NAME_PREFIX)) throw notAuthorized();
    if (name.startsWith("pragma_") && !PRAGMA_FUNCTIONS.has(name.slice("pragma_".length))) throw notAuthorized();
  }
  let i = 0;
  if (upper(tokens[0]) === "EXPLAIN") i = upper(tokens[1]) === "QUERY" && upper(tokens[2]) === "PLAN" ? 3 : 1;
  const command = upper(tokens[i]);
  if (TRANSACTION_WORDS.has(command)) throw new EdgeError("DO_SQL_TRANSACTION_STATEMENT", 400, SQL_TRANSACTION_MESSAGE);
  if (command === "ATTACH" || command === "DETACH") throw notAuthorized();
  // Cloudflare runs every statement inside a transaction, where SQLite refuses VACUUM.
  if (command === "VACUUM") throw new EdgeError("DO_SQL_ERROR", 400, "cannot VACUUM from within a transaction: SQLITE_ERROR");
  if (command === "PRAGMA") checkPragma(tokens.slice(i + 1));
  if (command === "CREATE") checkCreate(tokens.slice(i + 1));
  return { text: statement.text, command, changesSchema: SCHEMA_WORDS.has(command), parameters: parametersOf(tokens) };
}

/** PRAGMA [main.]name [= value | (value)] — only Cloudflare's list, with its argument rules. */
function checkPragma(rest: readonly Token[]): void {
  let i = 0;
  if (rest[1]?.text === ".") {
    if (nameOf(rest[0]) !== "main") throw notAuthorized();
    i = 2;
  }
  const name = nameOf(rest[i]);
  const signature = name === undefined ? undefined : PRAGMAS.get(name);
  if (signature === undefined) throw notAuthorized();
  const tail = rest.slice(i + 1);
  let arg: Token[] = [];
  if (tail[0]?.text === "=") arg = tail.slice(1);
  else if (tail[0]?.text === "(" && tail.at(-1)?.text === ")") arg = tail.slice(1, -1);
  else if (tail.length > 0) throw notAuthorized();
  const value = arg.length === 1 ? nameOf(arg[0]) ?? (arg[0]?.kind === "number" ? arg[0].text : undefined) : undefined;
  if (arg.length > 0 && value === undefined) throw notAuthorized();
  switch (signature) {
    case "none":
      if (arg.length > 0) throw notAuthorized();
      return;
    case "boolean":
      if (value !== undefined && !BOOLEANS.has(value)) throw notAuthorized();
      return;
    case "name":
      if (value === undefined) throw notAuthorized();
      return;
    case "optionalName":
      return;
  }
}

/** CREATE: no temporary objects, nothing outside `main`, virtual tables only with FTS5. */
function checkCreate(rest: readonly Token[]): void {
  const first = upper(rest[0]);
  if (first === "TEMP" || first === "TEMPORARY") throw notAuthorized();
  if (first === "VIRTUAL") {
    const using = rest.findIndex((t) => upper(t) === "USING");
    if (using === -1 || nameOf(rest[using + 1]) !== "fts5") throw notAuthorized();
  }
  // The created object's name follows TABLE/VIEW/INDEX/TRIGGER [IF NOT EXISTS]; `schema.name`
  // must name main (a temp.name object would be a temporary one).
  const kindAt = rest.findIndex((t) => ["TABLE", "VIEW", "INDEX", "TRIGGER"].includes(upper(t)));
  if (kindAt === -1) return;
  let at = kindAt + 1;
  if (upper(rest[at]) === "IF" && upper(rest[at + 1]) === "NOT" && upper(rest[at + 2]) === "EXISTS") at += 3;
  if (rest[at + 1]?.text === "." && nameOf(rest[at]) !== "main") throw notAuthorized();
}

/** SQLite's parameter numbering: `?` takes the next number, `?N` is N, a name keeps its first number. */
function parametersOf(tokens: readonly Token[]): Array<string | null> {
  const names: Array<string | null> = [];
  const seen = new Map<string, number>();
  for (const t of tokens) {
    if (t.kind !== "variable") continue;
    if (t.text === "?") {
      names.push(null);
      continue;
    }
    const numbered = t.text.startsWith("?");
    const index = numbered ? Number(t.text.slice(1)) : (seen.get(t.text) ?? names.length + 1);
    // SQLITE_LIMIT_VARIABLE_NUMBER, which Cloudflare sets to its bound-parameter limit.
    if (!(index >= 1 && index <= DO_SQL_BOUND_PARAMETERS_MAX)) {
      throw new EdgeError("DO_SQL_TOO_MANY_PARAMETERS", 400, `variable number must be between ?1 and ?${DO_SQL_BOUND_PARAMETERS_MAX}: SQLITE_ERROR`);
    }
    if (!numbered) seen.set(t.text, index);
    while (names.length < index) names.push(t.text);
    names[index - 1] = t.text;
  }
  if (names.length > DO_SQL_BOUND_PARAMETERS_MAX) {
    throw new EdgeError("DO_SQL_TOO_MANY_PARAMETERS", 400, `too many SQL variables (${names.length}; the limit is ${DO_SQL_BOUND_PARAMETERS_MAX}): SQLITE_ERROR`);
  }
  return names;
}
