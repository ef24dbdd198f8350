import { WallClock } from "../sim/clock.js";
import { type Budget, searchPartition } from "./search.js";
import type { CheckOptions, CheckResult, Model, Operation } from "./types.js";

const STEPS_MAX_DEFAULT = 100_000_000;

/**
 * Decides whether `history` is linearizable with respect to `model` (Herlihy & Wing): is there
 * one sequential order of all operations, each taking effect between its call and its return,
 * that the model accepts? Partitions (the model's `partition`) are checked independently.
 */
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckOptions = {}): CheckResult<I, O> {
  const budget = makeBudget(options);
  const partitions = model.partition ? model.partition(history) : [history.slice()];
  const orders: Operation<I, O>[][] = [];
  for (const part of partitions) {
    const result = searchPartition(model, part, budget);
    if (result.ok === "unknown") return { ok: "unknown", reason: `gave up after the budget (timeoutMs ${options.timeoutMs ?? "none"}, stepsMax ${options.stepsMax ?? STEPS_MAX_DEFAULT}) was spent` };
    if (result.ok === false) {
      const describe = (op: Operation<I, O>): string => describeOp(model, op);
      const prefix = result.partialOrder.map(describe).join("; ");
      const reason =
        `not linearizable: ${describe(result.blocked)} cannot be placed after ` +
        (result.partialOrder.length === 0 ? "the initial state" : `the longest linearizable prefix of ${result.partialOrder.length} op(s) [${prefix}]`);
      return { ok: false, reason, partialOrder: result.partialOrder };
    }
    orders.push(result.order);
  }
  return { ok: true, order: mergeOrders(orders) };
}

/**
 * Interleaves the partitions' orders into one that respects real time. In a valid order
 * o1..on each op may take effect at p_i = max(call of o_1..o_i), which is <= its return
 * (no later op returned before it was called); sorting all ops by these points keeps every
 * partition's order and puts a before b whenever a returned before b was called.
 */
function mergeOrders<I, O>(orders: Operation<I, O>[][]): Operation<I, O>[] {
  const placed: Array<{ point: number; part: number; index: number; op: Operation<I, O> }> = [];
  orders.forEach((order, part) => {
    let point = Number.NEGATIVE_INFINITY;
    order.forEach((op, index) => {
      point = Math.max(point, op.call);
      placed.push({ point, part, index, op });
    });
  });
  placed.sort((a, b) => a.point - b.point || a.part - b.part || a.index - b.index);
  return placed.map((p) => p.op);
}

function makeBudget(options: CheckOptions): Budget {
  const stepsMax = options.stepsMax ?? STEPS_MAX_DEFAULT;
  let spent = 0;
  // The timeout reads wall time through the WallClock adapter; it can only turn an answer
  // into "unknown", never change it.
  const clock = options.timeoutMs === undefined ? undefined : new WallClock();
  const startMs = clock?.nowMs() ?? 0;
  return (stepsSinceLastCall: number): boolean => {
    spent += stepsSinceLastCall;
    if (spent > stepsMax) return false;
    return clock === undefined || clock.nowMs() - startMs <= (options.timeoutMs as number);
  };
}

function describeOp<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  const what = model.describe ? model.describe(op.input, op.output) : `${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`;
  return `client ${op.clientId}: ${what} [${op.call}, ${op.ret}]`;
}
