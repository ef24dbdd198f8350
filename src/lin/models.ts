import type { Model, Operation } from "./types.js";

/** Structural equality for JSON-like values (outputs are compared by what they print as). */
function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

export type RegisterInput<V> = { kind: "get" } | { kind: "put"; value: V };

/** A single read/write register; a `get` must return the latest `put` (or the initial value). */
export function registerModel<V>(initial: V): Model<V, RegisterInput<V>, V | undefined> {
  return {
    init: (): V => initial,
    step: (state, input, output) =>
      input.kind === "put" ? { ok: true, state: input.value } : { ok: same(output, state), state },
    describe: (input, output) => (input.kind === "put" ? `put(${JSON.stringify(input.value)})` : `get() -> ${JSON.stringify(output)}`),
  };
}

export type CounterInput = { kind: "increment" } | { kind: "read" };

/** A counter from 0: `increment` returns the new value, `read` the current one. */
export function counterModel(): Model<number, CounterInput, number> {
  return {
    init: (): number => 0,
    step: (state, input, output) =>
      input.kind === "increment" ? { ok: output === state + 1, state: state + 1 } : { ok: output === state, state },
    hash: (state) => String(state),
    describe: (input, output) => (input.kind === "increment" ? `increment() -> ${output}` : `read() -> ${output}`),
  };
}

export type KvInput = { kind: "get"; key: string } | { kind: "put"; key: string; value: string } | { kind: "delete"; key: string };
/** `get` answers the value or null; `put` and `delete` answer undefined (ignored). */
export type KvOutput = string | null | undefined;
export type KvState = Readonly<Record<string, string>>;

/**
 * A key-value map where each key is an independent register, so `partition` splits the
 * history per key and each part is searched alone (P-compositionality). The state is the
 * whole map, so the model is also correct when used without partitioning.
 */
export function kvModel(): Model<KvState, KvInput, KvOutput> {
  return {
    init: (): KvState => ({}),
    step: (state, input, output) => {
      if (input.kind === "get") return { ok: same(output, state[input.key] ?? null), state };
      const next: Record<string, string> = { ...state };
      if (input.kind === "put") next[input.key] = input.value;
      else delete next[input.key];
      return { ok: true, state: next };
    },
    partition: (history: readonly Operation<KvInput, KvOutput>[]) => {
      const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
      for (const op of history) {
        const part = byKey.get(op.input.key);
        if (part) part.push(op);
        else byKey.set(op.input.key, [op]);
      }
      return [...byKey.values()];
    },
    hash: (state) => JSON.stringify(Object.keys(state).sort().map((k) => [k, state[k]])),
    describe: (input, output) =>
      input.kind === "get" ? `get(${JSON.stringify(input.key)}) -> ${JSON.stringify(output)}` : input.kind === "put" ? `put(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})` : `delete(${JSON.stringify(input.key)})`,
  };
}
