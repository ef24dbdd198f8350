import { Bitset } from "./bitset.js";
import { type Entry, lift, makeEntries, unlift } from "./entries.js";
import { MemoTable } from "./memo.js";
import { stateKeyOf, type StateKey } from "./state-key.js";
import type { Model, Operation } from "./types.js";

export type SearchResult<I, O> =
  | { ok: true; order: Operation<I, O>[] }
  | { ok: false; partialOrder: Operation<I, O>[]; blocked: Operation<I, O> | undefined }
  | { ok: "unknown"; why: "budget" | "memory" };

/** How often (in steps) a running search asks whether it may go on. */
export const BUDGET_STEPS = 1024;

// ANCHOR: search
/**
 * Wing & Gong's search with Lowe's memoisation, as Porcupine implements it: walk the entry
 * list, try to linearize each pending call next; a return entry reached means the operation
 * it closes has no place left, so backtrack. A (linearized set, state) pair seen before can
 * only fail again, which turns the exponential search into one bounded by distinct states.
 *
 * The search is resumable: `run(steps)` goes on for at most `steps` more steps and answers
 * undefined if it has not decided yet, so a scheduler can interleave the partitions of one
 * history and stop as soon as one of them is illegal.
 */
export class PartitionSearch<S, I, O> {
  readonly ops: readonly Operation<I, O>[];
  /** Steps spent so far: one per entry visited. */
  steps = 0;
  readonly #model: Model<S, I, O>;
  readonly #key: StateKey<S>;
  readonly #head: Entry<I, O>;
  readonly #linearized: Bitset;
  readonly #memo: MemoTable<S>;
  readonly #calls: Array<{ entry: Entry<I, O>; state: S }> = [];
  #state: S;
  #entry: Entry<I, O> | null;
  #best: { order: Operation<I, O>[]; blocked: Operation<I, O> } | undefined;
  #result: SearchResult<I, O> | undefined;

  constructor(model: Model<S, I, O>, ops: readonly Operation<I, O>[], memoBytesMax?: number) {
    this.ops = ops;
    this.#model = model;
    this.#key = stateKeyOf(model);
    this.#head = makeEntries(ops);
    this.#linearized = new Bitset(ops.length);
    this.#memo = new MemoTable(this.#linearized.words.length, this.#key, memoBytesMax);
    this.#state = model.init();
    this.#entry = this.#head.next;
  }

  get result(): SearchResult<I, O> | undefined {
    return this.#result;
  }

  /**
   * Searches for at most `steps` more steps; `mayGoOn` is asked every BUDGET_STEPS steps
   * (false stops the search as "unknown" for good). Undefined means "not decided yet".
   */
  run(steps: number, mayGoOn: () => boolean = () => true): SearchResult<I, O> | undefined {
    if (this.#result) return this.#result;
    const model = this.#model;
    const head = this.#head;
    const linearized = this.#linearized;
    const calls = this.#calls;
    const stop = this.steps + steps;
    let state = this.#state;
    let entry = this.#entry;
    while (head.next !== null) {
      if (this.steps >= stop) {
        this.#state = state;
        this.#entry = entry;
        return undefined;
      }
      if (++this.steps % BUDGET_STEPS === 0 && !mayGoOn()) return (this.#result = { ok: "unknown", why: "budget" });
      // Every entry stays in the memo until the search ends; past its bound, give up honestly.
      if (this.#memo.full) return (this.#result = { ok: "unknown", why: "memory" });
      const current = entry as Entry<I, O>;
      if (current.match !== null) {
        const op = current.op;
        let next: S | undefined;
        if (op.unknown === true) next = (model.apply as (s: S, i: I) => S)(state, op.input);
        else {
          const stepped = model.step(state, op.input, op.output);
          if (stepped.ok) next = stepped.state;
        }
        if (next !== undefined && this.#remember(linearized, current.id, next)) {
          calls.push({ entry: current, state });
          state = next;
          lift(current);
          entry = head.next;
          continue;
        }
        entry = current.next;
        continue;
      }
      // A return entry: the operation it closes cannot be linearized after the current prefix.
      if (!this.#best || calls.length > this.#best.order.length) this.#best = { order: calls.map((c) => c.entry.op), blocked: current.op };
      const top = calls.pop();
      if (!top) return (this.#result = { ok: false, partialOrder: this.#best.order, blocked: this.#best.blocked });
      state = top.state;
      linearized.clear(top.entry.id);
      unlift(top.entry);
      entry = top.entry.next;
    }
    return (this.#result = { ok: true, order: calls.map((c) => c.entry.op) });
  }

  /** Adds `id` to the linearized set if (set + id, state) is new; leaves the set as it was otherwise. */
  #remember(linearized: Bitset, id: number, state: S): boolean {
    linearized.set(id);
    if (this.#memo.add(linearized.words, linearized.code, state)) return true;
    linearized.clear(id);
    return false;
  }
}
// ANCHOR_END: search
