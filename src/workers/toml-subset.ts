import { EdgeError } from "../core/errors.js";

/**
 * A TOML reader for the subset wrangler.toml files use (TOML 1.0): comments, bare, quoted and
 * dotted keys, `[table]` and `[[array of tables]]` headers, basic and literal strings,
 * integers, floats, booleans, arrays (over several lines) and one-line inline tables.
 * Multi-line strings and dates are rejected with a clear message rather than misread.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** The line each table was opened on, for error messages about its contents. */
export const tableLines = new WeakMap<TomlTable, number>();

export function tomlError(line: number, message: string): EdgeError {
  return new EdgeError("WRANGLER_TOML_INVALID", 400, `wrangler.toml line ${line}: ${message}`);
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };

export function parseToml(text: string): TomlTable {
  return new TomlReader(text).document();
}

class TomlReader {
  #pos = 0;
  #line = 1;
  readonly #text: string;
  readonly #root: TomlTable = {};
  readonly #explicit = new Set<TomlTable>();

  constructor(text: string) {
    this.#text = text;
    tableLines.set(this.#root, 1);
  }

  document(): TomlTable {
    let table = this.#root;
    for (;;) {
      this.#skip(true);
      if (this.#pos >= this.#text.length) return this.#root;
      if (this.#peek() === "[") table = this.#header();
      else this.#keyValue(table);
      this.#endOfLine();
    }
  }

  #header(): TomlTable {
    const line = this.#line;
    const isArray = this.#text.startsWith("[[", this.#pos);
    this.#pos += isArray ? 2 : 1;
    const path = this.#key();
    this.#expect(isArray ? "]]" : "]");
    const parent = this.#walk(this.#root, path.slice(0, -1), line);
    const last = path.at(-1)!;
    if (isArray) {
      const list = own(parent, last) ?? [];
      define(parent, last, list);
      if (!Array.isArray(list)) throw tomlError(line, `"${path.join(".")}" is already a value, not an array of tables`);
      const table: TomlTable = {};
      tableLines.set(table, line);
      list.push(table);
      return table;
    }
    const existing = own(parent, last);
    if (existing !== undefined && (!isTable(existing) || this.#explicit.has(existing))) throw tomlError(line, `table [${path.join(".")}] is defined twice`);
    const table = existing ?? {};
    define(parent, last, table);
    tableLines.set(table, line);
    this.#explicit.add(table);
    return table;
  }

  #keyValue(table: TomlTable): void {
    const line = this.#line;
    const path = this.#key();
    this.#skip(false);
    this.#expect("=");
    this.#skip(false);
    const value = this.#value();
    const parent = this.#walk(table, path.slice(0, -1), line);
    const last = path.at(-1)!;
    if (own(parent, last) !== undefined) throw tomlError(line, `key "${path.join(".")}" is defined twice`);
    define(parent, last, value);
  }

  #walk(from: TomlTable, path: string[], line: number): TomlTable {
    let t = from;
    for (const k of path) {
      let next = own(t, k);
      if (next === undefined) {
        next = {};
        tableLines.set(next, line);
        define(t, k, next);
      }
      if (Array.isArray(next)) next = next.at(-1) ?? {};
      if (!isTable(next)) throw tomlError(line, `"${k}" is a value, not a table`);
      t = next;
    }
    return t;
  }

  #key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.#skip(false);
      const c = this.#peek();
      if (c === '"' || c === "'") parts.push(this.#string());
      else {
        const start = this.#pos;
        while (this.#pos < this.#text.length && BARE_KEY.test(this.#peek())) this.#pos++;
        if (start === this.#pos) throw tomlError(this.#line, `expected a key, found ${this.#describe()}`);
        parts.push(this.#text.slice(start, this.#pos));
      }
      this.#skip(false);
      if (this.#peek() !== ".") return parts;
      this.#pos++;
    }
  }

  #value(): TomlValue {
    const c = this.#peek();
    if (c === '"' || c === "'") return this.#string();
    if (c === "[") return this.#array();
    if (c === "{") return this.#inlineTable();
    const m = /^[^\s,\]}#]+/.exec(this.#text.slice(this.#pos));
    if (m === null) throw tomlError(this.#line, `expected a value, found ${this.#describe()}`);
    const word = m[0];
    this.#pos += word.length;
    if (word === "true" || word === "false") return word === "true";
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(word)) return Number(word.replace(/_/g, ""));
    if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d+)?$/.test(word)) return Number(word.replace(/_/g, ""));
    if (/^\d{4}-\d{2}-\d{2}/.test(word)) throw tomlError(this.#line, `dates are not supported; quote "${word}" as a string`);
    throw tomlError(this.#line, `cannot read value "${word}" (strings need quotes)`);
  }

  #string(): string {
    const quote = this.#peek();
    if (this.#text.startsWith(quote.repeat(3), this.#pos)) throw tomlError(this.#line, "multi-line strings are not supported");
    this.#pos++;
    let out = "";
    for (;;) {
      const c = this.#text[this.#pos++];
      if (c === undefined || c === "\n") throw tomlError(this.#line, "unterminated string");
      if (c === quote) return out;
      if (c !== "\\" || quote === "'") {
        out += c;
        continue;
      }
      const e = this.#text[this.#pos++] ?? "";
      if (e === "u" || e === "U") {
        const hex = this.#text.slice(this.#pos, this.#pos + (e === "u" ? 4 : 8));
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (e === "u" ? 4 : 8)) throw tomlError(this.#line, `bad unicode escape "\\${e}${hex}"`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.#pos += hex.length;
      } else if (e in ESCAPES) out += ESCAPES[e];
      else throw tomlError(this.#line, `unknown escape "\\${e}"`);
    }
  }

  #array(): TomlValue[] {
    this.#pos++;
    const items: TomlValue[] = [];
    for (;;) {
      this.#skip(true);
      if (this.#peek() === "]") {
        this.#pos++;
        return items;
      }
      items.push(this.#value());
      this.#skip(true);
      if (this.#peek() === ",") this.#pos++;
      else if (this.#peek() !== "]") throw tomlError(this.#line, `expected "," or "]" in array, found ${this.#describe()}`);
    }
  }

  #inlineTable(): TomlTable {
    this.#pos++;
    const table: TomlTable = {};
    tableLines.set(table, this.#line);
    this.#skip(false);
    if (this.#peek() === "}") {
      this.#pos++;
      return table;
    }
    for (;;) {
      this.#keyValue(table);
      this.#skip(false);
      const c = this.#text[this.#pos++];
      if (c === "}") return table;
      if (c !== ",") throw tomlError(this.#line, `expected "," or "}" in inline table, found ${c === undefined ? "end of file" : JSON.stringify(c)}`);
    }
  }

  #skip(newlines: boolean): void {
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

  #endOfLine(): void {
    this.#skip(false);
    if (this.#pos >= this.#text.length) return;
    if (this.#peek() !== "\n") throw tomlError(this.#line, `expected end of line, found ${this.#describe()}`);
  }

  #expect(token: string): void {
    if (!this.#text.startsWith(token, this.#pos)) throw tomlError(this.#line, `expected "${token}", found ${this.#describe()}`);
    this.#pos += token.length;
  }

  #peek(): string {
    return this.#text[this.#pos] ?? "";
  }

  #describe(): string {
    return this.#pos >= this.#text.length ? "end of file" : JSON.stringify(this.#text.slice(this.#pos, this.#pos + 12).split("\n")[0]);
  }
}

/** Own-property access only, so keys such as "__proto__" or "toString" are plain keys. */
function own(t: TomlTable, key: string): TomlValue | undefined {
  return Object.hasOwn(t, key) ? t[key] : undefined;
}

function define(t: TomlTable, key: string, value: TomlValue): void {
  Object.defineProperty(t, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
