// Mutant: treats each operation as an instant at its call time and replays the history in call order, so overlapping operations that took effect in the other order are rejected.
import type { CheckResult, Model, Operation } from "../../../src/lin/index.js";
export interface CheckerOptions { stepsMax?: number }
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], _options: CheckerOptions = {}): CheckResult<I, O> {
  const order = [...history].sort((a, b) => a.call - b.call);
  let state = model.init();
  for (let k = 0; k < order.length; k++) {
    const op = order[k] as Operation<I, O>;
    const stepped = model.step(state, op.input, op.output);
    if (!stepped.ok) return { ok: false, reason: `not linearizable at client ${op.clientId}`, partialOrder: order.slice(0, k) };
    state = stepped.state;
  }
  return { ok: true, order };
}
