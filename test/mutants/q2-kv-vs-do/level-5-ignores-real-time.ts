// Mutant: searches every permutation of the operations (with memoisation) but ignores real time, so a read that returned an old value after a newer write had returned is accepted.
import type { CheckResult, Model, Operation } from "../../../src/lin/index.js";
export interface CheckerOptions { stepsMax?: number }
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckerOptions = {}): CheckResult<I, O> {
  const ops = [...history];
  const hash = model.hash ?? ((s: S): string => JSON.stringify(s));
  const seen = new Set<string>();
  let left = options.stepsMax ?? 10_000_000;
  const used = new Array<boolean>(ops.length).fill(false);
  const order: Operation<I, O>[] = [];
  const dfs = (state: S): boolean | "unknown" => {
    if (order.length === ops.length) return true;
    const key = `${used.map((u) => (u ? 1 : 0)).join("")}|${hash(state)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      const op = ops[i] as Operation<I, O>;
      if (--left < 0) return "unknown";
      const stepped = model.step(state, op.input, op.output);
      if (!stepped.ok) continue;
      used[i] = true;
      order.push(op);
      const r = dfs(stepped.state);
      if (r !== false) return r;
      used[i] = false;
      order.pop();
    }
    return false;
  };
  const r = dfs(model.init());
  if (r === "unknown") return { ok: "unknown", reason: "budget" };
  return r ? { ok: true, order } : { ok: false, reason: "not linearizable", partialOrder: [] };
}
