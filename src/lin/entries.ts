import { assert } from "../core/errors.js";
import type { Operation } from "./types.js";

/**
 * The history as Wing & Gong's doubly linked list of call and return events in time order.
 * A call entry points at its return entry (`match`); linearizing an operation lifts both out
 * of the list, and backtracking puts them back in place (Lowe's formulation, as in Porcupine).
 */
export interface Entry<I, O> {
  readonly id: number;
  readonly op: Operation<I, O>;
  /** The return entry of a call entry; null for a return entry. */
  readonly match: Entry<I, O> | null;
  prev: Entry<I, O> | null;
  next: Entry<I, O> | null;
}

/** Builds the list and returns its sentinel head. */
export function makeEntries<I, O>(ops: readonly Operation<I, O>[]): Entry<I, O> {
  const events: Array<{ time: number; isCall: boolean; id: number }> = [];
  ops.forEach((op, id) => {
    // An operation whose outcome is unknown never returned: it stays pending to the end.
    const ret = op.unknown === true ? Number.POSITIVE_INFINITY : op.ret;
    assert(Number.isFinite(op.call) && ret >= op.call, `operation ${id} needs a finite call time and ret >= call (got ${op.call}..${op.ret})`);
    events.push({ time: op.call, isCall: true, id }, { time: ret, isCall: false, id });
  });
  // At equal times calls come first: operations that merely touch count as concurrent,
  // the lenient reading Porcupine takes too (times are rarely that precise).
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? -1 : 1));
  const returns = ops.map((op, id): Entry<I, O> => ({ id, op, match: null, prev: null, next: null }));
  const head: Entry<I, O> = { id: -1, op: undefined as unknown as Operation<I, O>, match: null, prev: null, next: null };
  let tail = head;
  for (const event of events) {
    const ret = returns[event.id] as Entry<I, O>;
    const entry: Entry<I, O> = event.isCall ? { id: event.id, op: ret.op, match: ret, prev: null, next: null } : ret;
    entry.prev = tail;
    tail.next = entry;
    tail = entry;
  }
  return head;
}

/** Removes a call entry and its return entry from the list. */
export function lift<I, O>(entry: Entry<I, O>): void {
  const match = entry.match as Entry<I, O>;
  (entry.prev as Entry<I, O>).next = entry.next;
  (entry.next as Entry<I, O>).prev = entry.prev;
  (match.prev as Entry<I, O>).next = match.next;
  if (match.next) match.next.prev = match.prev;
}

/** Undoes `lift`, in the reverse order. */
export function unlift<I, O>(entry: Entry<I, O>): void {
  const match = entry.match as Entry<I, O>;
  (match.prev as Entry<I, O>).next = match;
  if (match.next) match.next.prev = match;
  (entry.prev as Entry<I, O>).next = entry;
  (entry.next as Entry<I, O>).prev = entry;
}
