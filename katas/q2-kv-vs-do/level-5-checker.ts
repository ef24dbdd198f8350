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
// Hints: `npm run kata -- hint q2/5`. Grade: `npm run kata -- check q2/5`.
import { NotImplemented } from "../../src/kata/not-implemented.js";
import type { CheckResult, Model, Operation } from "../../src/lin/index.js";

export interface CheckerOptions {
  /** Model steps before giving up with "unknown". @defaultValue 10_000_000 */
  stepsMax?: number;
}

export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckerOptions = {}): CheckResult<I, O> {
  // TODO: partition, then search each part (Wing & Gong + memo on (set, state)), then merge the orders.
  throw new NotImplemented("checkLinearizable");
}
