import type Database from "better-sqlite3";

/**
 * The write-ahead history behind point-in-time recovery, kept inside the object's own database
 * (SQLite's "Automatic Undo/Redo With SQLite" technique, sqlite.org/undoredo.html): a trigger on
 * every table writes the statement that would undo each row change into `_cf_UNDO`, tagged
 * with the transaction that made it; `_cf_TXN` says when each transaction committed. A schema
 * change cannot be undone row by row, so before one the whole logical content (schema and rows)
 * is saved as a single "script" entry that recreates it.
 *
 * Restoring to a point applies the undo entries of every later transaction, newest first, as one
 * new transaction. History only grows: a restore can itself be undone by restoring to the point
 * just before it.
 */

export const HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS _cf_META (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _cf_TXN (txn INTEGER PRIMARY KEY, session INTEGER NOT NULL, seq INTEGER NOT NULL, at_ms REAL NOT NULL);
CREATE INDEX IF NOT EXISTS _cf_TXN_at ON _cf_TXN (at_ms);
CREATE TABLE IF NOT EXISTS _cf_UNDO (id INTEGER PRIMARY KEY, txn INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS _cf_UNDO_txn ON _cf_UNDO (txn);
`;

/** Tables whose rows the history tracks: the user's and the key-value table. */
const UNTRACKED = new Set(["_cf_meta", "_cf_txn", "_cf_undo"]);

export interface TableShape {
  readonly name: string;
  readonly withoutRowid: boolean;
  /** Columns that hold stored values (generated columns excluded). */
  readonly columns: readonly string[];
  /** Primary-key columns, in key order (used to find a row of a WITHOUT ROWID table). */
  readonly key: readonly string[];
}

export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Every ordinary table the history tracks, with the columns it needs. */
export function trackedTables(db: Database.Database): TableShape[] {
  // Ordinary tables only: virtual tables and their shadow tables (FTS5's) take no triggers.
  const tables = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as Array<{ name: string }>;
  return tables.filter((t) => !UNTRACKED.has(t.name.toLowerCase())).map((t) => tableShape(db, t.name));
}

export function tableShape(db: Database.Database, name: string): TableShape {
  const cols = db.prepare("SELECT name, pk, hidden FROM pragma_table_xinfo(?)").all(name) as Array<{ name: string; pk: number; hidden: number }>;
  const withoutRowid = (db.prepare("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?").get(name) as { wr: number } | undefined)?.wr === 1;
  const stored = cols.filter((c) => c.hidden === 0);
  const key = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return { name, withoutRowid, columns: stored.map((c) => c.name), key };
}

/** SQL text that evaluates (inside a trigger) to the literal of `ref.column`. */
function literal(ref: "OLD" | "NEW", column: string): string {
  return `quote(${ref}.${quoteName(column)})`;
}

/** WHERE clause (as SQL that builds SQL) locating the row `ref` refers to. */
function rowLocator(t: TableShape, ref: "OLD" | "NEW"): string {
  if (!t.withoutRowid) return `' WHERE rowid = ' || ${ref}.rowid`;
  return `' WHERE ' || ${t.key.map((k) => `${sqlString(`${quoteName(k)} IS `)} || ${literal(ref, k)}`).join(" || ' AND ' || ")}`;
}

// ANCHOR: undo-triggers
/**
 * The three undo triggers of one table. `_cf_recording()` is false while a restore applies
 * history (that transaction saves a script instead); `_cf_txn()` names the open transaction.
 */
export function undoTriggers(t: TableShape, index: number): string[] {
  const table = quoteName(t.name);
  const cols = t.columns.map(quoteName);
  const insertCols = t.withoutRowid ? cols : ["rowid", ...cols];
  const oldValues = (t.withoutRowid ? [] : ["OLD.rowid"]).concat(t.columns.map((c) => literal("OLD", c)));
  const record = (body: string): string => `INSERT INTO _cf_UNDO (txn, kind, body) VALUES (_cf_txn(), 'sql', ${body});`;
  const del = `${sqlString(`DELETE FROM ${table}`)} || ${rowLocator(t, "NEW")}`;
  const ins = `${sqlString(`INSERT INTO ${table} (${insertCols.join(", ")}) VALUES (`)} || ${oldValues.join(" || ', ' || ")} || ')'`;
  const sets = (t.withoutRowid ? [] : ["'rowid = ' || OLD.rowid"]).concat(t.columns.map((c) => `${sqlString(`${quoteName(c)} = `)} || ${literal("OLD", c)}`));
  const upd = `${sqlString(`UPDATE ${table} SET `)} || ${sets.join(" || ', ' || ")} || ${rowLocator(t, "NEW")}`;
  const name = (op: string): string => quoteName(`_cf_undo_${index}_${op}`);
  return [
    `CREATE TRIGGER ${name("i")} AFTER INSERT ON ${table} WHEN _cf_recording() BEGIN ${record(del)} END`,
    `CREATE TRIGGER ${name("d")} AFTER DELETE ON ${table} WHEN _cf_recording() BEGIN ${record(ins)} END`,
    `CREATE TRIGGER ${name("u")} AFTER UPDATE ON ${table} WHEN _cf_recording() BEGIN ${record(upd)} END`,
  ];
}
// ANCHOR_END: undo-triggers

/** Drops the platform's triggers of one kind (`_cf_undo_` or `_cf_limit_`). */
export function dropTriggers(db: Database.Database, prefix: string): void {
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND substr(name, 1, ?) = ?").all(prefix.length, prefix) as Array<{ name: string }>;
  for (const { name } of names) db.exec(`DROP TRIGGER ${quoteName(name)}`);
}

/**
 * A script that recreates the whole tracked content as it is now: drop what exists then, create
 * the schema, insert every row (rowids kept). Run as undo, it brings back this moment.
 */
export function dumpScript(db: Database.Database): string[] {
  const script: string[] = [];
  const objects = db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid").all() as Array<{ type: string; name: string; sql: string }>;
  // A virtual table's shadow tables come back with it; creating them again would fail.
  const shadows = new Set((db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'").all() as Array<{ name: string }>).map((r) => r.name));
  for (const o of objects) if (!shadows.has(o.name)) script.push(o.sql);
  for (const t of trackedTables(db)) {
    const cols = t.withoutRowid ? t.columns : ["rowid", ...t.columns];
    if (cols.length === 0) continue;
    const head = `INSERT INTO ${quoteName(t.name)} (${cols.map((c) => (c === "rowid" ? c : quoteName(c))).join(", ")}) VALUES (`;
    const select = `SELECT ${sqlString(head)} || ${cols.map((c) => `quote(${c === "rowid" ? c : quoteName(c)})`).join(" || ', ' || ")} || ')' AS s FROM ${quoteName(t.name)}`;
    for (const row of db.prepare(select).iterate() as IterableIterator<{ s: string }>) script.push(row.s);
  }
  const seq = db.prepare("SELECT name FROM sqlite_schema WHERE name = 'sqlite_sequence'").get();
  if (seq !== undefined) script.push(sequencesSql(db));
  return script;
}

/**
 * The SQL that sets `sqlite_sequence` (the AUTOINCREMENT counters, a system table that takes no
 * trigger) back to what it holds now. The table must exist.
 */
export function sequencesSql(db: Database.Database): string {
  const rows = db.prepare("SELECT name, seq FROM sqlite_sequence ORDER BY name").all() as Array<{ name: string; seq: number }>;
  return `DELETE FROM sqlite_sequence;${rows.map((r) => `INSERT INTO sqlite_sequence (name, seq) VALUES (${sqlString(r.name)}, ${r.seq});`).join("")}`;
}

/** Runs a dump script: removes every user object and the key-value rows, then rebuilds. */
export function runScript(db: Database.Database, script: readonly string[]): void {
  dropUserObjects(db);
  db.exec("DELETE FROM _cf_KV");
  for (const statement of script) db.exec(statement);
}

/** Drops every table, view, index and trigger that is not the platform's. */
export function dropUserObjects(db: Database.Database): void {
  const objects = db.prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND type IN ('view', 'table')").all() as Array<{ type: string; name: string }>;
  // Inside a transaction foreign_keys cannot be switched off; deferring the checks to the
  // commit lets parents go before children, and the rebuilt content satisfies them again.
  db.pragma("defer_foreign_keys = ON");
  for (const o of objects) {
    const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?").get(o.name);
    if (exists !== undefined) db.exec(`DROP ${o.type === "view" ? "VIEW" : "TABLE"} ${quoteName(o.name)}`);
  }
}
