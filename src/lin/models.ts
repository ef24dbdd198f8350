import { hashString } from "../sim/rng.js";
import type { Model, Operation } from "./types.js";

/**
 * Equality of values: primitives by value (0 and -0 alike, NaN equal to itself), objects and
 * arrays structurally, by what they print as. Primitives never go through `JSON.stringify`,
 * which costs an allocation per step and prints Infinity and NaN as null.
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A 32-bit hash of a JSON-like value that agrees with `same`. */
function valueCode(value: unknown): number {
  if (typeof value === "number") return Object.is(value, -0) ? 0 : Math.imul(value | 0, 0x9e3779b1) ^ hashString(String(value));
  if (typeof value === "string") return hashString(value, 1);
  if (typeof value !== "object" || value === null) return hashString(`${typeof value}:${String(value)}`, 2);
  return hashString(JSON.stringify(value) ?? "undefined", 2);
}

const show = (value: unknown): string => (typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? "undefined"));

export type RegisterInput<V> = { kind: "get" } | { kind: "put"; value: V };

/** A single read/write register; a `get` must return the latest `put` (or the initial value). */
export function registerModel<V>(initial: V): Model<V, RegisterInput<V>, V | undefined> {
  return {
    init: (): V => initial,
    step: (state, input, output) => (input.kind === "put" ? { ok: true, state: input.value } : { ok: same(output, state), state }),
    apply: (state, input) => (input.kind === "put" ? input.value : state),
    hashCode: valueCode,
    equal: same,
    describe: (input, output) => (input.kind === "put" ? `put(${show(input.value)})` : `get() -> ${show(output)}`),
  };
}

export type CasRegisterInput = { kind: "read" } | { kind: "write"; value: number } | { kind: "cas"; from: number; to: number };
/** `read` answers the value (null before the first write), `cas` whether it swapped, `write` nothing. */
export type CasRegisterOutput = number | null | boolean | undefined;

/**
 * A register with compare-and-set, as Jepsen tests etcd: `cas(from, to)` sets `to` and answers
 * true when the value is `from`, and answers false (changing nothing) otherwise.
 */
export function casRegisterModel(): Model<number | null, CasRegisterInput, CasRegisterOutput> {
  const apply = (state: number | null, input: CasRegisterInput): number | null =>
    input.kind === "write" ? input.value : input.kind === "cas" && state === input.from ? input.to : state;
  return {
    init: (): number | null => null,
    step: (state, input, output) => {
      if (input.kind === "read") return { ok: output === state, state };
      if (input.kind === "write") return { ok: true, state: input.value };
      return { ok: output === (state === input.from), state: apply(state, input) };
    },
    apply,
    hashCode: (state) => (state === null ? 0x7fffffff : state | 0),
    equal: (a, b) => a === b,
    describe: (input, output) =>
      input.kind === "read" ? `read() -> ${show(output)}` : input.kind === "write" ? `write(${input.value})` : `cas(${input.from}, ${input.to}) -> ${show(output)}`,
  };
}

export type CounterInput = { kind: "increment" } | { kind: "read" };

/** A counter from 0: `increment` returns the new value, `read` the current one. */
export function counterModel(): Model<number, CounterInput, number> {
  return {
    init: (): number => 0,
    step: (state, input, output) =>
      input.kind === "increment" ? { ok: output === state + 1, state: state + 1 } : { ok: output === state, state },
    apply: (state, input) => (input.kind === "increment" ? state + 1 : state),
    hash: (state) => String(state),
    hashCode: (state) => state | 0,
    equal: (a, b) => a === b,
    describe: (input, output) => (input.kind === "increment" ? `increment() -> ${output}` : `read() -> ${output}`),
  };
}

export type KvInput =
  | { kind: "get"; key: string }
  | { kind: "put"; key: string; value: string }
  | { kind: "append"; key: string; value: string }
  | { kind: "delete"; key: string };
/** `get` answers the value or the missing marker; `put`, `append` and `delete` answer undefined (ignored). */
export type KvOutput = string | null | undefined;
/** A key's value and the running FNV-1a of its text, so `append` hashes only what it adds. */
export interface KvCell {
  readonly value: string;
  readonly fnv: number;
}
export type KvState = ReadonlyMap<string, KvCell>;

export interface KvModelOptions {
  /**
   * What `get` answers for a missing key, and what `append` extends. @defaultValue null
   * (Workers KV's `get`); Jepsen's and Porcupine's key-value tests use "".
   */
  missing?: string | null;
}

const FNV_OFFSET = 0x811c9dc5;

function fnvMore(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A key-value map where each key is an independent register, so `partition` splits the
 * history per key and each part is searched alone (P-compositionality). The state is the
 * whole map, so the model is also correct when used without partitioning.
 */
export function kvModel(options: KvModelOptions = {}): Model<KvState, KvInput, KvOutput> {
  const missing = options.missing === undefined ? null : options.missing;
  const empty: KvCell = { value: missing ?? "", fnv: fnvMore(FNV_OFFSET, missing ?? "") };
  const apply = (state: KvState, input: KvInput): KvState => {
    if (input.kind === "get") return state;
    const next = new Map(state);
    if (input.kind === "put") next.set(input.key, { value: input.value, fnv: fnvMore(FNV_OFFSET, input.value) });
    else if (input.kind === "append") {
      const cell = state.get(input.key) ?? empty;
      next.set(input.key, { value: cell.value + input.value, fnv: fnvMore(cell.fnv, input.value) });
    } else next.delete(input.key);
    return next;
  };
  const read = (state: KvState, key: string): string | null => {
    const cell = state.get(key);
    return cell === undefined ? missing : cell.value;
  };
  return {
    init: (): KvState => new Map(),
    step: (state, input, output) => (input.kind === "get" ? { ok: output === read(state, input.key), state } : { ok: true, state: apply(state, input) }),
    apply,
    partition: (history: readonly Operation<KvInput, KvOutput>[]) => {
      const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
      for (const op of history) {
        const part = byKey.get(op.input.key);
        if (part) part.push(op);
        else byKey.set(op.input.key, [op]);
      }
      return [...byKey.values()];
    },
    hash: (state) => JSON.stringify([...state.keys()].sort().map((k) => [k, state.get(k)?.value])),
    // Order-independent: a sum of per-entry hashes, so equal maps hash alike however built.
    hashCode: (state) => {
      let code = 0;
      for (const [k, cell] of state) code = (code + Math.imul(hashString(k, 3) ^ cell.fnv, 0x85ebca6b)) | 0;
      return code;
    },
    equal: (a, b) => {
      if (a.size !== b.size) return false;
      for (const [k, cell] of a) {
        const other = b.get(k);
        if (other === undefined || other.fnv !== cell.fnv || other.value !== cell.value) return false;
      }
      return true;
    },
    describe: (input, output) =>
      input.kind === "get"
        ? `get(${show(input.key)}) -> ${show(output)}`
        : input.kind === "delete"
          ? `delete(${show(input.key)})`
          : `${input.kind}(${show(input.key)}, ${show(input.value)})`,
  };
}
