import { EdgeError } from "../core/errors.js";
import type { CasRegisterInput, CasRegisterOutput, KvInput, KvOutput } from "./models.js";
import type { Operation } from "./types.js";

/** An EDN value as Jepsen histories use them: nil, booleans, integers, strings, keywords, vectors. */
export type EdnValue = null | boolean | number | string | { keyword: string } | { map: ReadonlyMap<string, EdnValue> } | EdnValue[];

export type JepsenType = "invoke" | "ok" | "fail" | "info";

/** One line of a Jepsen history: a process invoking an operation, or its completion. */
export interface JepsenEvent {
  process: number;
  type: JepsenType;
  /** The operation's function, without the colon (`read`, `cas`, `append`…). */
  f: string;
  key?: string;
  value: EdnValue;
  /** 1-based line in the source text. */
  line: number;
}

const TYPES = new Set<string>(["invoke", "ok", "fail", "info"]);
// `INFO  jepsen.util - 3	:invoke	:cas	[1 4]`: what Jepsen's logger prints for each op.
const LOG_LINE = /^\s*INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(\w+)\s+:([\w-]+)\s*(.*?)\s*$/;

const bad = (line: number, why: string): EdgeError => new EdgeError("LIN_BAD_HISTORY", 400, `line ${line}: ${why}`);

/**
 * Reads a Jepsen history in either of its text forms: the logger's lines
 * (`INFO jepsen.util - 3 :invoke :write 4`) or one EDN map per line
 * (`{:process 3, :type :invoke, :f :append, :key "1", :value "x"}`). Other lines (Jepsen logs
 * much else) are skipped; a line that looks like an operation but is malformed is an error.
 */
export function parseJepsenEvents(text: string): JepsenEvent[] {
  const events: JepsenEvent[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith("{")) {
      events.push(eventFromMap(new EdnReader(trimmed, line).readTop(), line));
      return;
    }
    const m = LOG_LINE.exec(raw);
    if (!m) return;
    const type = m[2] as string;
    if (!TYPES.has(type)) throw bad(line, `unknown operation type :${type}`);
    const rest = m[4] as string;
    events.push({ process: Number(m[1]), type: type as JepsenType, f: m[3] as string, value: rest === "" ? null : new EdnReader(rest, line).readTop(), line });
  });
  return events;
}

function eventFromMap(value: EdnValue, line: number): JepsenEvent {
  if (!isMap(value)) throw bad(line, "expected a map {:process …, :type …, :f …}");
  const entries = value.map;
  const process = entries.get("process");
  const type = entries.get("type");
  const f = entries.get("f");
  if (typeof process !== "number" || !Number.isInteger(process)) throw bad(line, ":process must be an integer");
  if (!isKeyword(type) || !TYPES.has(type.keyword)) throw bad(line, ":type must be one of :invoke :ok :fail :info");
  if (!isKeyword(f)) throw bad(line, ":f must be a keyword");
  const key = entries.get("key");
  if (key !== undefined && typeof key !== "string" && typeof key !== "number") throw bad(line, ":key must be a string or a number");
  return { process, type: type.keyword as JepsenType, f: f.keyword, ...(key !== undefined ? { key: String(key) } : {}), value: entries.get("value") ?? null, line };
}

const isKeyword = (v: EdnValue | undefined): v is { keyword: string } => typeof v === "object" && v !== null && "keyword" in v;
const isMap = (v: EdnValue | undefined): v is { map: ReadonlyMap<string, EdnValue> } => typeof v === "object" && v !== null && "map" in v;

/** A small EDN reader: enough of the syntax for Jepsen histories, with line-numbered errors. */
class EdnReader {
  #at = 0;
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  readTop(): EdnValue {
    const value = this.#read();
    this.#space();
    if (this.#at < this.text.length) throw bad(this.line, `unexpected "${this.text.slice(this.#at, this.#at + 10)}" after the value`);
    return value;
  }

  #space(): void {
    while (this.#at < this.text.length && /[\s,]/.test(this.text[this.#at] as string)) this.#at++;
  }

  #read(): EdnValue {
    this.#space();
    const c = this.text[this.#at];
    if (c === undefined) throw bad(this.line, "unexpected end of line");
    if (c === "[" || c === "(") return this.#seq(c === "[" ? "]" : ")");
    if (c === "{") return this.#map();
    if (c === '"') return this.#string();
    if (c === ":") {
      const m = /^:([^\s,\]\)}]+)/.exec(this.text.slice(this.#at));
      if (!m) throw bad(this.line, "empty keyword");
      this.#at += m[0].length;
      return { keyword: m[1] as string };
    }
    const m = /^[^\s,\]\)}]+/.exec(this.text.slice(this.#at));
    if (!m) throw bad(this.line, `unexpected "${c}"`);
    this.#at += m[0].length;
    const token = m[0];
    if (token === "nil") return null;
    if (token === "true" || token === "false") return token === "true";
    if (/^-?\d+$/.test(token)) return Number(token);
    throw bad(this.line, `cannot read "${token}"`);
  }

  #seq(close: string): EdnValue[] {
    this.#at++;
    const out: EdnValue[] = [];
    for (;;) {
      this.#space();
      if (this.text[this.#at] === close) {
        this.#at++;
        return out;
      }
      if (this.#at >= this.text.length) throw bad(this.line, `missing "${close}"`);
      out.push(this.#read());
    }
  }

  #map(): { map: ReadonlyMap<string, EdnValue> } {
    const items = this.#seq("}");
    if (items.length % 2 !== 0) throw bad(this.line, "a map needs an even number of forms");
    const map = new Map<string, EdnValue>();
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i] as EdnValue;
      if (!isKeyword(k)) throw bad(this.line, "map keys must be keywords");
      map.set(k.keyword, items[i + 1] as EdnValue);
    }
    return { map };
  }

  #string(): string {
    let out = "";
    for (this.#at++; this.#at < this.text.length; this.#at++) {
      const c = this.text[this.#at] as string;
      if (c === '"') {
        this.#at++;
        return out;
      }
      if (c === "\\") {
        const e = this.text[++this.#at];
        out += e === "n" ? "\n" : e === "t" ? "\t" : (e ?? "");
      } else out += c;
    }
    throw bad(this.line, "unterminated string");
  }
}

/** What a converter makes of one invocation and its completion (undefined: it never completed). */
export type Converted<I, O> = { input: I; output: O } | { input: I; unknown: true } | "drop";

/**
 * Pairs each process's `:invoke` with its completion and times both by their position in the
 * history. Jepsen's reading: `:ok` happened, `:fail` did not happen (the converter may keep it
 * as a definite answer instead, e.g. a failed compare-and-set), `:info` or no completion at
 * all means the outcome is unknown.
 */
export function historyFromJepsen<I, O>(events: readonly JepsenEvent[], convert: (invoke: JepsenEvent, completion: JepsenEvent | undefined) => Converted<I, O>): Operation<I, O>[] {
  const open = new Map<number, { invoke: JepsenEvent; at: number }>();
  const ops: Operation<I, O>[] = [];
  const add = (invoke: JepsenEvent, call: number, completion: JepsenEvent | undefined, ret: number): void => {
    const c = convert(invoke, completion);
    if (c === "drop") return;
    if ("unknown" in c) ops.push({ clientId: invoke.process, input: c.input, output: undefined as O, call, ret: Number.POSITIVE_INFINITY, unknown: true });
    else ops.push({ clientId: invoke.process, input: c.input, output: c.output, call, ret });
  };
  events.forEach((event, at) => {
    if (event.type === "invoke") {
      if (open.has(event.process)) throw bad(event.line, `process ${event.process} invokes again before its last operation completed`);
      open.set(event.process, { invoke: event, at });
      return;
    }
    const pending = open.get(event.process);
    if (!pending) throw bad(event.line, `process ${event.process} completes an operation it never invoked`);
    if (pending.invoke.f !== event.f) throw bad(event.line, `process ${event.process} invoked :${pending.invoke.f} but completes :${event.f}`);
    open.delete(event.process);
    add(pending.invoke, pending.at, event, at);
  });
  for (const pending of open.values()) add(pending.invoke, pending.at, undefined, Number.POSITIVE_INFINITY);
  ops.sort((a, b) => a.call - b.call);
  return ops;
}

const int = (v: EdnValue, e: JepsenEvent): number => {
  if (typeof v !== "number") throw bad(e.line, `expected an integer, got ${JSON.stringify(v)}`);
  return v;
};

/**
 * A Jepsen etcd (compare-and-set register) history, read as Porcupine's etcd test reads it:
 * a `:fail` compare-and-set is a definite "did not swap", a timed-out or `:info` operation has
 * an unknown outcome.
 */
export function casRegisterFromJepsen(events: readonly JepsenEvent[]): Operation<CasRegisterInput, CasRegisterOutput>[] {
  return historyFromJepsen<CasRegisterInput, CasRegisterOutput>(events, (invoke, done) => {
    let input: CasRegisterInput;
    if (invoke.f === "read") input = { kind: "read" };
    else if (invoke.f === "write") input = { kind: "write", value: int(invoke.value, invoke) };
    else if (invoke.f === "cas") {
      const v = invoke.value;
      if (!Array.isArray(v) || v.length !== 2) throw bad(invoke.line, "a :cas value is [from to]");
      input = { kind: "cas", from: int(v[0] as EdnValue, invoke), to: int(v[1] as EdnValue, invoke) };
    } else throw bad(invoke.line, `a register has no :${invoke.f}`);
    // A read nobody saw the answer of changes nothing and constrains nothing: leave it out.
    const unknown = done === undefined || done.type === "info" || (done.type === "fail" && (input.kind !== "cas" || isKeyword(done.value)));
    if (unknown) return input.kind === "read" ? "drop" : { input, unknown: true };
    if (done.type === "fail") return { input, output: false };
    if (input.kind === "read") return { input, output: done.value === null ? null : int(done.value, done) };
    return { input, output: input.kind === "cas" ? true : undefined };
  });
}

/**
 * A Jepsen key-value history (`:get`, `:put`, `:append` with `:key` and `:value`), as the
 * checker's `kvModel({ missing: "" })` reads it; a `:fail` did not happen.
 */
export function kvFromJepsen(events: readonly JepsenEvent[]): Operation<KvInput, KvOutput>[] {
  return historyFromJepsen<KvInput, KvOutput>(events, (invoke, done) => {
    const key = invoke.key;
    if (key === undefined) throw bad(invoke.line, "a key-value operation needs :key");
    const str = (v: EdnValue, e: JepsenEvent): string => {
      if (typeof v !== "string") throw bad(e.line, `expected a string value, got ${JSON.stringify(v)}`);
      return v;
    };
    let input: KvInput;
    if (invoke.f === "get") input = { kind: "get", key };
    else if (invoke.f === "put" || invoke.f === "append") input = { kind: invoke.f, key, value: str(invoke.value, invoke) };
    else throw bad(invoke.line, `a key-value store has no :${invoke.f}`);
    if (done?.type === "fail") return "drop";
    if (done === undefined || done.type === "info") return input.kind === "get" ? "drop" : { input, unknown: true };
    return { input, output: input.kind === "get" ? str(done.value, done) : undefined };
  });
}
