import type { Model, Operation } from "../../../src/lin/index.js";

/**
 * The definition of linearizability, executed literally: try every permutation in which no
 * operation comes after one that was called after it returned, and run the model along it.
 * Exponential, so only for tiny histories; it shares no code with the checker.
 */
export function bruteForceLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], respectRealTime = true): boolean {
  const used = new Array<boolean>(history.length).fill(false);
  // An operation whose outcome is unknown never returned: it may be placed anywhere after its
  // call, or left out (it did not happen); it never has to come before anything.
  const returned = (op: Operation<I, O>): boolean => op.unknown !== true;
  const search = (state: S): boolean => {
    if (history.every((op, i) => used[i] || !returned(op))) return true;
    for (let i = 0; i < history.length; i++) {
      if (used[i]) continue;
      const op = history[i] as Operation<I, O>;
      // op may go next only if no unplaced op returned strictly before op was called.
      if (respectRealTime && history.some((other, j) => !used[j] && j !== i && returned(other) && other.ret < op.call)) continue;
      let next: S;
      if (returned(op)) {
        const step = model.step(state, op.input, op.output);
        if (!step.ok) continue;
        next = step.state;
      } else next = (model.apply as (s: S, i: I) => S)(state, op.input);
      used[i] = true;
      if (search(next)) return true;
      used[i] = false;
    }
    return false;
  };
  return search(model.init());
}

/** True when `order` is a permutation of `history` that respects real time and the model. */
export function isValidLinearization<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], order: readonly Operation<I, O>[]): boolean {
  if (order.length !== history.length || new Set(order).size !== order.length) return false;
  if (!order.every((op) => history.includes(op))) return false;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const later = order[j] as Operation<I, O>;
      if (later.unknown !== true && later.ret < (order[i] as Operation<I, O>).call) return false;
    }
  }
  let state = model.init();
  for (const op of order) {
    if (op.unknown === true) {
      state = (model.apply as (s: S, i: I) => S)(state, op.input);
      continue;
    }
    const step = model.step(state, op.input, op.output);
    if (!step.ok) return false;
    state = step.state;
  }
  return true;
}
