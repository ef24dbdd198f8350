// Q2 · level 5 · Linearizability checker
// Levels 2 and 3 leaned on a checker that says whether a concurrent history could have come
// from one object acting atomically. Now build it. A history is linearizable (Herlihy &
// Wing) when one sequential order of ALL operations exists that (1) the sequential model
// accepts and (2) respects real time: if a returned before b was called, a comes first.
//
// Implement `checkLinearizable(model, history, options)` with Wing & Gong's search:
//   - walk the history's call/return events in time order; try to linearize a pending call
//     next (apply it to the model); on reaching a return whose call is not linearized yet,
//     backtrack;
//   - memoise (set of linearized operations, model state): that pair failed once, it fails
//     again (Lowe; Porcupine) — the set alone is not enough;
//   - split the history with `model.partition` when the model has one (P-compositionality:
//     a key-value history is linearizable iff each key's sub-history is).
// An operation with `unknown: true` (the client crashed or timed out, Jepsen's :info) may
// have taken effect at any moment after its call, or not at all: it never returns (its `ret`
// and `output` mean nothing), and `model.apply(state, input)` says what it does.
// Answer `{ ok: true, order }` (a full valid order of every operation, unknown ones
// included), `{ ok: false, reason, partialOrder }` or `{ ok: "unknown", reason }` once
// `options.stepsMax` model steps (`step` and `apply` calls) were spent, over all partitions
// together. A rejection's `reason` names an operation that cannot be placed after
// `partialOrder`, as `client <clientId>: <what> [<call>, <ret>]`, where <what> is
// `model.describe(input, output)`, or `JSON.stringify(input)` when the model has no describe
// (e.g. "client 2: get() -> 1 [4, 4]"). That operation returned: an unknown one never blocks.
// The suite counts model steps: a sequential history must cost O(n) of them, and a
// 1,000-operation key-value history must finish within a fixed step budget.
import type { CheckResult, Model, Operation } from "../../src/lin/index.js";

export interface CheckerOptions {
  /** Model steps before giving up with "unknown". @defaultValue 10_000_000 */
  stepsMax?: number;
}

type PartResult<I, O> = { ok: true; order: Operation<I, O>[] } | { ok: false; partialOrder: Operation<I, O>[]; blocked: Operation<I, O> } | { ok: "unknown" };

export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckerOptions = {}): CheckResult<I, O> {
  const stepsMax = options.stepsMax ?? 10_000_000;
  const budget = { left: stepsMax };
  // P-compositionality: independent parts are searched alone, so the state space is the sum
  // of the parts' spaces, not their product.
  const parts = model.partition ? model.partition(history) : [history.slice()];
  const orders: Operation<I, O>[][] = [];
  for (const part of parts) {
    const result = searchPart(model, part, budget);
    if (result.ok === "unknown") return { ok: "unknown", reason: `gave up after ${stepsMax} model steps` };
    if (result.ok === false) {
      // The search is blocked only at a return, and an unknown outcome never returns: the
      // blocked operation always has a real return time.
      const what = (op: Operation<I, O>): string => `client ${op.clientId}: ${model.describe?.(op.input, op.output) ?? JSON.stringify(op.input)} [${op.call}, ${op.ret}]`;
      return { ok: false, reason: `not linearizable: ${what(result.blocked)} fits after no order of the ${result.partialOrder.length} operation(s) before it`, partialOrder: result.partialOrder };
    }
    orders.push(result.order);
  }
  // Each part's order takes effect at the running max of call times; sorting by that point
  // interleaves the parts without breaking real time.
  const placed = orders.flatMap((order) => {
    let point = Number.NEGATIVE_INFINITY;
    return order.map((op, index) => ({ op, index, point: (point = Math.max(point, op.call)) }));
  });
  placed.sort((a, b) => a.point - b.point || a.index - b.index);
  return { ok: true, order: placed.map((p) => p.op) };
}

function applyOf<S, I, O>(model: Model<S, I, O>): (state: S, input: I) => S {
  if (model.apply === undefined) throw new TypeError("the history has an operation with an unknown outcome, but the model has no apply() to say what it does");
  return model.apply.bind(model);
}

function searchPart<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget: { left: number }): PartResult<I, O> {
  const n = ops.length;
  // Entries 2i (call of op i) and 2i+1 (its return) in a doubly linked list; HEAD = 2n.
  const HEAD = 2 * n;
  const events = Array.from({ length: 2 * n }, (_, e) => e);
  // An operation whose outcome is unknown never returned: its return sorts after everything,
  // so it may take effect at any point after its call (or, placed last, as if not at all).
  const time = (e: number): number => {
    const op = ops[e >> 1] as Operation<I, O>;
    if ((e & 1) === 0) return op.call;
    return op.unknown === true ? Number.POSITIVE_INFINITY : op.ret;
  };
  // At equal times calls sort first: operations that merely touch are concurrent.
  events.sort((a, b) => (time(a) === time(b) ? 0 : time(a) - time(b)) || (a & 1) - (b & 1) || a - b);
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  let last = HEAD;
  for (const e of events) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  const unlink = (e: number): void => {
    next[prev[e] as number] = next[e] as number;
    if (next[e] !== -1) prev[next[e] as number] = prev[e] as number;
  };
  const relink = (e: number): void => {
    next[prev[e] as number] = e;
    if (next[e] !== -1) prev[next[e] as number] = e;
  };
  const hash = model.hash ?? ((s: S): string => JSON.stringify(s));
  const done = new Uint32Array(Math.ceil(n / 32));
  const flip = (i: number): void => void (done[i >> 5] = ((done[i >> 5] as number) ^ (1 << (i & 31))) >>> 0);
  const seen = new Set<string>();
  const stack: Array<{ i: number; state: S }> = [];
  let state = model.init();
  let cur = next[HEAD] as number;
  let best: { order: Operation<I, O>[]; blocked: Operation<I, O> } | undefined;
  while (next[HEAD] !== -1) {
    if ((cur & 1) === 0) {
      const i = cur >> 1;
      const op = ops[i] as Operation<I, O>;
      if (--budget.left < 0) return { ok: "unknown" };
      // Nobody saw an unknown operation's output: the model's apply says what it does.
      const stepped = op.unknown === true ? { ok: true, state: applyOf(model)(state, op.input) } : model.step(state, op.input, op.output);
      if (stepped.ok) {
        flip(i);
        // The state is part of the key: the same set reached in another order can leave the
        // object in another state, from which the rest may still fit.
        const key = `${done.join(",")}|${hash(stepped.state)}`;
        if (!seen.has(key)) {
          seen.add(key);
          stack.push({ i, state });
          state = stepped.state;
          unlink(2 * i);
          unlink(2 * i + 1);
          cur = next[HEAD] as number;
          continue;
        }
        flip(i);
      }
      cur = next[cur] as number;
      continue;
    }
    // A return reached: its operation cannot take effect after the current prefix.
    if (best === undefined || stack.length > best.order.length) best = { order: stack.map((t) => ops[t.i] as Operation<I, O>), blocked: ops[cur >> 1] as Operation<I, O> };
    const top = stack.pop();
    if (top === undefined) return { ok: false, partialOrder: best.order, blocked: best.blocked };
    state = top.state;
    flip(top.i);
    relink(2 * top.i + 1);
    relink(2 * top.i);
    cur = next[2 * top.i] as number;
  }
  return { ok: true, order: stack.map((t) => ops[t.i] as Operation<I, O>) };
}
