import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitStatements, tokenize } from "../../../src/storage/sql-tokens.js";

const texts = (sql: string): string[] => splitStatements(sql).map((s) => s.text.trim());

describe("SQL tokens (SQLite's lexical rules)", () => {
  it("token texts always concatenate back to the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "'", '"', "`", "[", "]", "-", "/", "*", ";", " ", "\n", "x", "1", ".", "?", ":", "é", "$") }), (sql) => {
        expect(tokenize(sql).map((t) => t.text).join("")).toBe(sql);
      }),
    );
  });

  it("reads names the way SQLite does: quotes, doubled quotes, brackets, non-ASCII", () => {
    const names = tokenize(`"a""b" \`c\`\`d\` [e f] 'g''h' ünï x'00' ?1 :p`).filter((t) => t.kind !== "space");
    expect(names.map((t) => [t.kind, t.value])).toEqual([
      ["quoted", 'a"b'],
      ["quoted", "c`d"],
      ["quoted", "e f"],
      ["string", "g'h"],
      ["word", "ünï"],
      ["blob", "x'00'"],
      ["variable", "?1"],
      ["variable", ":p"],
    ]);
  });

  it("hides nothing in comments and quotes that SQLite would read, and reads nothing SQLite would not", () => {
    expect(texts("SELECT 1 -- ; DROP TABLE t\n; SELECT 2")).toEqual(["SELECT 1 -- ; DROP TABLE t", "SELECT 2"]);
    expect(texts("SELECT '; x' ; SELECT \"a;b\"")).toEqual(["SELECT '; x'", 'SELECT "a;b"']);
    expect(texts("SELECT 1 /* ; */ ; /* only a comment */ ;; SELECT 2")).toEqual(["SELECT 1 /* ; */", "SELECT 2"]);
    // An unterminated comment or quote runs to the end, as in SQLite.
    expect(texts("SELECT 1; /* ; SELECT 2")).toEqual(["SELECT 1"]);
    expect(tokenize("SELECT 'abc; DROP").at(-1)?.kind).toBe("illegal");
  });

  it.each([
    ["a$b_1 é", [["word", "a$b_1"], ["space", " "], ["word", "é"]]],
    ["\t\f\r\n", [["space", "\t\f\r\n"]]],
    ["-- c\nx", [["space", "-- c"], ["space", "\n"], ["word", "x"]]],
    ["a-b/c", [["word", "a"], ["punct", "-"], ["word", "b"], ["punct", "/"], ["word", "c"]]],
    ["/* c */x", [["space", "/* c */"], ["word", "x"]]],
    ["/* open", [["space", "/* open"]]],
    [".5 1.5e3x", [["number", ".5"], ["space", " "], ["number", "1.5e3x"]]],
    ["?12 ? :a1 @b $c #d", [["variable", "?12"], ["space", " "], ["variable", "?"], ["space", " "], ["variable", ":a1"], ["space", " "], ["variable", "@b"], ["space", " "], ["variable", "$c"], ["space", " "], ["variable", "#d"]]],
    ["# :", [["illegal", "#"], ["space", " "], ["illegal", ":"]]],
    ["[open", [["illegal", "[open"]]],
    ["x'0", [["illegal", "x'0"]]],
    ['"open', [["illegal", '"open']]],
    ["`open", [["illegal", "`open"]]],
    ["X'0A'y", [["blob", "X'0A'"], ["word", "y"]]],
    ["x", [["word", "x"]]],
    ["a.b;", [["word", "a"], ["punct", "."], ["word", "b"], ["semicolon", ";"]]],
    ["^", [["illegal", "^"]]],
  ])("tokenizes %j", (sql, expected) => {
    expect(tokenize(sql).map((t) => [t.kind, t.text])).toEqual(expected);
  });

  it("keeps a trigger body whole, including CASE ... END inside it", () => {
    const sql = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO l VALUES (CASE WHEN 1 THEN 2 END); DELETE FROM x; END; SELECT 1";
    expect(texts(sql)).toEqual(["CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO l VALUES (CASE WHEN 1 THEN 2 END); DELETE FROM x; END", "SELECT 1"]);
    expect(texts("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; SELECT 2")).toHaveLength(2);
  });
});

describe("splitStatements against SQLite itself", () => {
  // Statements whose text holds every lexical trap: semicolons in strings, names and comments,
  // doubled quotes, brackets, blobs, numbers with exponents, parameters, triggers with CASE.
  const statement = fc.constantFrom(
    "SELECT 'a;b' AS \"x;y\"",
    "SELECT [weird;name] FROM [t;1]",
    "SELECT `q``;` FROM t",
    "SELECT 1.5e-3, .5, 0x1F, x'00ff' -- trailing; comment\n",
    "SELECT /* ; */ 'it''s' || \"a\"\"b\" FROM t",
    "INSERT INTO t (a, \"x;y\", \"a\"\"b\", [weird;name], `q``;`) VALUES (?, :name, @at, $dollar, ?7)",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT CASE WHEN 1 THEN ';' ELSE 2 END; DELETE FROM u; END",
    "SELECT ünïcode_name FROM t",
    "select * from t where a = -1--1\n",
  );
  const gap = fc.constantFrom(";", " ; ", ";\n", "; -- c\n", ";/* ; */", " ;; ");

  it("cuts exactly where SQLite's statements end, and SQLite prepares each piece as one statement", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t(a, \"x;y\", \"a\"\"b\", [weird;name], `q``;`, ünïcode_name); CREATE TABLE [t;1]([weird;name]); CREATE TABLE u(a)");
    const significant = (text: string): string[] => tokenize(text).filter((t) => t.kind !== "space").map((t) => t.text);
    fc.assert(
      fc.property(fc.array(fc.tuple(statement, gap), { minLength: 1, maxLength: 6 }), (parts) => {
        const sql = parts.map(([s, g]) => s + g).join("");
        const pieces = splitStatements(sql);
        expect(pieces.map((p) => significant(p.text))).toEqual(parts.map(([s]) => significant(s)));
        // better-sqlite3 refuses text holding more (or less) than one statement.
        for (const piece of pieces) expect(() => db.prepare(piece.text)).not.toThrow();
      }),
    );
    db.close();
  });
});
