import { Bitset } from "./bitset.js";
import { type Entry, lift, makeEntries, unlift } from "./entries.js";
import type { Model, Operation } from "./types.js";

export type SearchResult<I, O> =
  | { ok: true; order: Operation<I, O>[] }
  | { ok: false; partialOrder: Operation<I, O>[]; blocked: Operation<I, O> }
  | { ok: "unknown" };

/** Called every `BUDGET_STEPS` steps; returning false stops the search as "unknown". */
export type Budget = (stepsSinceLastCall: number) => boolean;

export const BUDGET_STEPS = 1024;

// ANCHOR: search
/**
 * Wing & Gong's search with Lowe's memoisation, as Porcupine implements it: walk the entry
 * list, try to linearize each pending call next; a return entry reached means the operation
 * it closes has no place left, so backtrack. A (linearized set, state) pair seen before can
 * only fail again, which turns the exponential search into one bounded by distinct states.
 */
export function searchPartition<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget: Budget): SearchResult<I, O> {
  const hashState = model.hash ?? ((state: S): string => JSON.stringify(state));
  const head = makeEntries(ops);
  const linearized = new Bitset(ops.length);
  const cache = new Map<string, Bitset[]>();
  const calls: Array<{ entry: Entry<I, O>; state: S }> = [];
  let state = model.init();
  let entry = head.next;
  let best: { order: Operation<I, O>[]; blocked: Operation<I, O> } | undefined;
  let steps = 0;
  while (head.next !== null) {
    if (++steps % BUDGET_STEPS === 0 && !budget(BUDGET_STEPS)) return { ok: "unknown" };
    const current = entry as Entry<I, O>;
    if (current.match !== null) {
      const next = model.step(state, current.op.input, current.op.output);
      if (next.ok) {
        const candidate = linearized.clone().set(current.id);
        const key = `${candidate.hash()}|${hashState(next.state)}`;
        const bucket = cache.get(key);
        if (!bucket?.some((seen) => seen.equals(candidate))) {
          if (bucket) bucket.push(candidate);
          else cache.set(key, [candidate]);
          calls.push({ entry: current, state });
          state = next.state;
          linearized.set(current.id);
          lift(current);
          entry = head.next;
          continue;
        }
      }
      entry = current.next;
      continue;
    }
    // A return entry: the operation it closes cannot be linearized after the current prefix.
    if (!best || calls.length > best.order.length) best = { order: calls.map((c) => c.entry.op), blocked: current.op };
    const top = calls.pop();
    if (!top) return { ok: false, partialOrder: best.order, blocked: best.blocked };
    state = top.state;
    linearized.clear(top.entry.id);
    unlift(top.entry);
    entry = top.entry.next;
  }
  return { ok: true, order: calls.map((c) => c.entry.op) };
}
// ANCHOR_END: search
