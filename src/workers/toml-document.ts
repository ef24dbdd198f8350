import { parse, TomlError, type TomlTableWithoutBigInt, type TomlValueWithoutBigInt } from "smol-toml";
import { ConfigError } from "../core/errors.js";

/**
 * A wrangler.toml document: its values as smol-toml reads them (TOML 1.0, every form), and the
 * line each key, table header and array element starts on, so that a value the reader rejects
 * can be reported where the user wrote it. smol-toml does the parsing; `KeyLines` only finds
 * where keys start and never reads a value.
 */
export type TomlValue = TomlValueWithoutBigInt;
export type TomlTable = TomlTableWithoutBigInt;
/** A key path: table keys and array indexes, e.g. `["durable_objects", "bindings", 1]`. */
export type TomlPath = ReadonlyArray<string | number>;

export function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export class TomlDocument {
  readonly root: TomlTable;
  readonly #lines: Map<string, number>;
  readonly #label: string;

  private constructor(root: TomlTable, lines: Map<string, number>, label: string) {
    this.root = root;
    this.#lines = lines;
    this.#label = label;
  }

  /** Parses `text`; a syntax error is a ConfigError naming the line and column. */
  static parse(text: string, label = "wrangler.toml"): TomlDocument {
    let root: TomlTable;
    try {
      // maxDepth: a config nests three levels deep; a bound keeps a hostile file cheap.
      root = parse(text, { maxDepth: 32 });
    } catch (e) {
      if (e instanceof TomlError) {
        // smol-toml's message is "Invalid TOML document: <why>\n\n<code block>".
        const why = e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
        throw new ConfigError("WRANGLER_TOML_INVALID", `${label} line ${e.line}, column ${e.column}: ${why}`);
      }
      throw e;
    }
    return new TomlDocument(root, new KeyLines(text).scan(), label);
  }

  /** The line `path` was written on, or that of its nearest ancestor that has one (else 1). */
  lineOf(path: TomlPath): number {
    for (let n = path.length; n > 0; n--) {
      const line = this.#lines.get(pathKey(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return 1;
  }

  error(path: TomlPath, message: string): ConfigError {
    return new ConfigError("WRANGLER_TOML_INVALID", `${this.#label} line ${this.lineOf(path)}: ${message}`);
  }

  warning(path: TomlPath, message: string): string {
    return `${this.#label} line ${this.lineOf(path)}: ${message}`;
  }
}

function pathKey(path: TomlPath): string {
  return JSON.stringify(path);
}

const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;

/**
 * Finds the line of every key, header and array element. It walks the text once, skipping
 * strings (all four kinds) and comments, and follows brackets, so that a line inside a
 * multi-line array or string is never taken for a key. Values are skipped, never read.
 */
class KeyLines {
  readonly #text: string;
  #pos = 0;
  #line = 1;
  readonly #lines = new Map<string, number>();
  /** `[[x]]` tables seen so far, by resolved path: the index of the last one. */
  readonly #arrayTables = new Map<string, number>();

  constructor(text: string) {
    this.#text = text;
  }

  scan(): Map<string, number> {
    let table: Array<string | number> = [];
    while (this.#pos < this.#text.length) {
      this.#skipBlank(true);
      const c = this.#peek();
      if (c === "") break;
      if (c === "[") table = this.#header();
      else {
        const path = [...table, ...this.#key()];
        this.#record(path);
        this.#skipBlank(false);
        if (this.#peek() === "=") this.#pos++;
        this.#value(path);
      }
      this.#toEndOfLine();
    }
    return this.#lines;
  }

  #header(): Array<string | number> {
    const isArray = this.#text.startsWith("[[", this.#pos);
    this.#pos += isArray ? 2 : 1;
    const keys = this.#key();
    // `[a.b]` after `[[a]]` names a table inside a's last element (TOML 1.0, "Array of Tables").
    const path: Array<string | number> = [];
    keys.forEach((key, i) => {
      path.push(key);
      const index = i < keys.length - 1 ? this.#arrayTables.get(pathKey(path)) : undefined;
      if (index !== undefined) path.push(index);
    });
    if (isArray) {
      const index = (this.#arrayTables.get(pathKey(path)) ?? -1) + 1;
      this.#arrayTables.set(pathKey(path), index);
      this.#record(path);
      path.push(index);
    }
    this.#record(path);
    return path;
  }

  /** Skips the value assigned to `path`, recording its array elements and inline-table keys. */
  #value(path: Array<string | number>): void {
    this.#skipBlank(false);
    const c = this.#peek();
    if (c !== "[" && c !== "{") {
      this.#scalar();
      return;
    }
    this.#pos++;
    const close = c === "[" ? "]" : "}";
    let index = 0;
    for (;;) {
      this.#skipBlank(true);
      const at = this.#pos;
      const d = this.#peek();
      if (d === "") return;
      if (d === close) {
        this.#pos++;
        return;
      }
      if (d === ",") {
        this.#pos++;
        if (c === "[") index++;
        continue;
      }
      if (c === "[") {
        const element = [...path, index];
        this.#record(element);
        this.#value(element);
      } else {
        const key = [...path, ...this.#key()];
        this.#record(key);
        this.#skipBlank(false);
        if (this.#peek() === "=") this.#pos++;
        this.#value(key);
      }
      // Unreachable for a document smol-toml accepted; never loop without moving.
      if (this.#pos === at) this.#pos++;
    }
  }

  /** Skips a string, number, boolean or date. */
  #scalar(): void {
    const c = this.#peek();
    if (c === '"' || c === "'") {
      this.#string();
      return;
    }
    while (this.#pos < this.#text.length && !/[\s,\]}#]/.test(this.#peek())) this.#pos++;
    // A date-time may hold one space ("1979-05-27 07:32:00"); the next word is part of it.
    if (this.#peek() === " " && /^ \d{2}:\d{2}/.test(this.#text.slice(this.#pos, this.#pos + 6))) {
      this.#pos++;
      this.#scalar();
    }
  }

  #key(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.#skipBlank(false);
      const c = this.#peek();
      if (c === '"' || c === "'") keys.push(this.#string());
      else {
        const start = this.#pos;
        while (this.#pos < this.#text.length && BARE_KEY_CHAR.test(this.#peek())) this.#pos++;
        // Unreachable for a document smol-toml accepted; stop rather than loop.
        if (start === this.#pos) {
          this.#pos++;
          return keys;
        }
        keys.push(this.#text.slice(start, this.#pos));
      }
      this.#skipBlank(false);
      if (this.#peek() !== ".") break;
      this.#pos++;
    }
    return keys;
  }

  /** Reads a string of any of the four kinds and returns its text (escapes decoded roughly). */
  #string(): string {
    const quote = this.#peek();
    const triple = this.#text.startsWith(quote.repeat(3), this.#pos);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.#pos += delimiter.length;
    const start = this.#pos;
    while (this.#pos < this.#text.length) {
      const c = this.#text[this.#pos]!;
      if (c === "\\" && quote === '"') {
        this.#pos += 2;
        continue;
      }
      if (this.#text.startsWith(delimiter, this.#pos)) {
        // A multi-line string may end with up to two extra quotes before its delimiter.
        while (triple && this.#text[this.#pos + 3] === quote) this.#pos++;
        const raw = this.#text.slice(start, this.#pos);
        this.#pos += delimiter.length;
        if (quote === "'") return raw;
        try {
          return JSON.parse(`"${raw.replace(/\n/g, "\\n")}"`) as string;
        } catch {
          return raw;
        }
      }
      if (c === "\n") this.#line++;
      this.#pos++;
    }
    return this.#text.slice(start);
  }

  #skipBlank(newlines: boolean): void {
    while (this.#pos < this.#text.length) {
      const c = this.#peek();
      if (c === " " || c === "\t" || c === "\r") this.#pos++;
      else if (c === "#") while (this.#pos < this.#text.length && this.#peek() !== "\n") this.#pos++;
      else if (c === "\n" && newlines) {
        this.#pos++;
        this.#line++;
      } else return;
    }
  }

  #toEndOfLine(): void {
    while (this.#pos < this.#text.length && this.#peek() !== "\n") this.#pos++;
  }

  #peek(): string {
    return this.#text[this.#pos] ?? "";
  }

  #record(path: Array<string | number>): void {
    const key = pathKey(path);
    if (!this.#lines.has(key)) this.#lines.set(key, this.#line);
  }
}
