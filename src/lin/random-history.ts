import type { Rng } from "../sim/rng.js";
import type { KvInput, KvOutput, KvState } from "./models.js";
import type { Model, Operation } from "./types.js";

export interface RandomHistoryOptions<S, I, O> {
  model: Model<S, I, O>;
  /** What an atomic object answers to `input` in `state`. */
  answer(state: S, input: I): O;
  rng: Rng;
  clients: number;
  operations: number;
  /** Draws the next operation's input. */
  input(rng: Rng): I;
  /**
   * Chance that a client crashes during an operation (Jepsen's `:info`): its outcome is
   * unknown, it took effect or not (a coin), and the client comes back under a new id.
   * @defaultValue 0
   */
  crashRate?: number;
  /** Mean operation duration and mean pause between a client's operations. @defaultValue 10, 5 */
  durationMean?: number;
  pauseMean?: number;
}

/**
 * A concurrent history as clients of a real atomic object would record it: each client runs
 * its operations one after another, each takes effect at a random instant between its call
 * and its return, and the answers come from the model at those instants. So the history is
 * linearizable by construction (the effect instants give the witness order); a test that
 * wants a violation breaks one answer on purpose (`loseAnAppend`).
 */
export function randomHistory<S, I, O>(options: RandomHistoryOptions<S, I, O>): Operation<I, O>[] {
  const { rng, model } = options;
  const durationMean = options.durationMean ?? 10;
  const pauseMean = options.pauseMean ?? 5;
  const crashRate = options.crashRate ?? 0;
  const free = Array.from({ length: options.clients }, (_, c) => ({ id: c, at: rng.float(0, pauseMean) }));
  let nextClientId = options.clients;
  const slots: Array<{ op: Operation<I, O>; point: number; applies: boolean }> = [];
  for (let n = 0; n < options.operations; n++) {
    // The client that is free first issues the next operation.
    let who = 0;
    for (let c = 1; c < free.length; c++) if ((free[c] as { at: number }).at < (free[who] as { at: number }).at) who = c;
    const client = free[who] as { id: number; at: number };
    const call = Math.round(client.at * 1000) / 1000;
    const ret = Math.round((call + 0.001 + rng.exponential(durationMean)) * 1000) / 1000;
    const point = call + rng.next() * (ret - call);
    const crashed = crashRate > 0 && rng.bool(crashRate);
    const input = options.input(rng);
    const op: Operation<I, O> = crashed
      ? { clientId: client.id, input, output: undefined as O, call, ret: Number.POSITIVE_INFINITY, unknown: true }
      : { clientId: client.id, input, output: undefined as O, call, ret };
    slots.push({ op, point, applies: !crashed || rng.bool(0.5) });
    if (crashed) client.id = nextClientId++;
    client.at = ret + rng.exponential(pauseMean);
  }
  let state = model.init();
  for (const slot of [...slots].sort((a, b) => a.point - b.point)) {
    if (!slot.applies) continue;
    if (slot.op.unknown !== true) slot.op.output = options.answer(state, slot.op.input);
    state = slot.op.unknown === true ? (model.apply as (s: S, i: I) => S)(state, slot.op.input) : model.step(state, slot.op.input, slot.op.output).state;
  }
  return slots.map((s) => s.op).sort((a, b) => a.call - b.call);
}

/** What an atomic key-value store answers (`missing` for an absent key), for `randomHistory`. */
export function kvAnswer(missing: string | null = null): (state: KvState, input: KvInput) => KvOutput {
  return (state, input) => (input.kind === "get" ? (state.get(input.key)?.value ?? missing) : undefined);
}

/**
 * Breaks a key-value history of unique appends the way a lost update does: one `get` misses an
 * append that had returned before the get was called. No linearization can hide a value that
 * was written before the read began, so the result is not linearizable. Returns undefined when
 * the history has no such pair.
 */
export function loseAnAppend(history: readonly Operation<KvInput, KvOutput>[], rng: Rng): Operation<KvInput, KvOutput>[] | undefined {
  const gets = history.flatMap((op, i) => (op.input.kind === "get" && op.unknown !== true && typeof op.output === "string" && op.output !== "" ? [i] : []));
  // Try the gets in a random order; for each, the latest append that returned before it began.
  for (let left = gets.length; left > 0; left--) {
    const pick = rng.int(0, left - 1);
    const at = gets[pick] as number;
    gets[pick] = gets[left - 1] as number;
    const get = history[at] as Operation<KvInput, KvOutput>;
    let lost: Operation<KvInput, KvOutput> | undefined;
    for (const w of history) {
      if (w.input.kind === "append" && w.unknown !== true && w.input.key === get.input.key && w.ret < get.call && (lost === undefined || w.ret > lost.ret)) lost = w;
    }
    const value = lost?.input.kind === "append" ? lost.input.value : "";
    if (value === "" || !(get.output as string).includes(value)) continue;
    return history.map((op, i) => (i === at ? { ...op, output: (op.output as string).replace(value, "") } : op));
  }
  return undefined;
}
