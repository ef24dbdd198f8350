import { EdgeError } from "../core/errors.js";
import { WallClock } from "../sim/clock.js";
import { BUDGET_STEPS, PartitionSearch } from "./search.js";
import type { CheckOptions, CheckResult, CheckVerdict, Model, Operation } from "./types.js";

const STEPS_MAX_DEFAULT = 100_000_000;
// The first slice each partition gets; every round doubles it. Small enough that a quickly
// refuted partition is reached early, large enough that scheduling costs nothing.
const SLICE_STEPS_FIRST = 4 * BUDGET_STEPS;
// Operations of the linearizable prefix named in a refutation's reason (the last ones).
const PREFIX_SHOWN_MAX = 8;

/**
 * Decides whether `history` is linearizable with respect to `model` (Herlihy & Wing): is there
 * one sequential order of all operations, each taking effect between its call and its return,
 * that the model accepts?
 *
 * Partitions (the model's `partition`) are decided independently: a history is linearizable
 * iff every partition is, so one illegal partition decides the verdict whatever the others do.
 * They are searched smallest first, round-robin with doubling step slices, and the check stops
 * at the first illegal one, so a partition that would exhaust the budget never hides another
 * that is quickly refuted. "unknown" means the budget ran out with no partition refuted.
 */
export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckOptions = {}): CheckResult<I, O> {
  validateHistory(model, history);
  const stepsMax = options.stepsMax ?? STEPS_MAX_DEFAULT;
  const mayGoOn = deadline(options.timeoutMs);
  const partitions = model.partition ? model.partition(history) : [history.slice()];
  let pending = partitions.map((ops) => new PartitionSearch(model, ops)).sort((a, b) => a.ops.length - b.ops.length);
  const decided: PartitionSearch<S, I, O>[] = [];
  let spent = 0;
  let slice = SLICE_STEPS_FIRST;
  let outOfBudget = false;
  while (pending.length > 0 && !outOfBudget) {
    const still: PartitionSearch<S, I, O>[] = [];
    for (const search of pending) {
      const before = search.steps;
      const result = search.run(Math.min(slice, stepsMax - spent), () => spent + (search.steps - before) <= stepsMax && mayGoOn());
      spent += search.steps - before;
      if (result === undefined) still.push(search);
      else if (result.ok === false) return { ...refuted(model, search.ops, result.partialOrder, result.blocked), steps: spent };
      else if (result.ok === "unknown") outOfBudget = true;
      else decided.push(search);
      if (spent >= stepsMax || !mayGoOn()) outOfBudget = true;
      if (outOfBudget) break;
    }
    pending = still;
    slice *= 2;
  }
  if (outOfBudget || pending.length > 0) {
    const open = partitions.length - decided.length;
    return {
      ok: "unknown",
      reason:
        `gave up after the budget (timeoutMs ${options.timeoutMs ?? "none"}, stepsMax ${stepsMax}) was spent: ` +
        `${decided.length} of ${partitions.length} partition(s) linearizable, ${open} undecided, none refuted`,
      steps: spent,
    };
  }
  return { ok: true, order: mergeOrders(decided.map((s) => (s.result as { order: Operation<I, O>[] }).order)), steps: spent };
}

/** A history the checker cannot read is the caller's mistake: a typed error naming the operation. */
function validateHistory<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[]): void {
  history.forEach((op, i) => {
    if (!Number.isFinite(op.call)) throw new EdgeError("LIN_BAD_HISTORY", 400, `operation ${i} has no finite call time (${op.call})`);
    if (op.unknown === true) {
      if (typeof model.apply !== "function") throw new EdgeError("LIN_BAD_HISTORY", 400, `operation ${i} has an unknown outcome, but the model has no apply() to say what it does`);
    } else if (!(op.ret >= op.call)) throw new EdgeError("LIN_BAD_HISTORY", 400, `operation ${i} returns before it is called (${op.call}..${op.ret})`);
  });
}

function refuted<S, I, O>(model: Model<S, I, O>, partition: readonly Operation<I, O>[], prefix: Operation<I, O>[], blocked: Operation<I, O> | undefined): CheckVerdict<I, O> {
  const describe = (op: Operation<I, O>): string => describeOp(model, op);
  // A long prefix is summarised by its end, which is where the trouble is.
  const shown = prefix.length > PREFIX_SHOWN_MAX ? `… ${prefix.length - PREFIX_SHOWN_MAX} earlier; ${prefix.slice(-PREFIX_SHOWN_MAX).map(describe).join("; ")}` : prefix.map(describe).join("; ");
  const after = prefix.length === 0 ? "the initial state" : `the longest linearizable prefix of ${prefix.length} op(s) [${shown}]`;
  const reason = blocked === undefined ? `not linearizable: nothing can be placed after ${after}` : `not linearizable: ${describe(blocked)} cannot be placed after ${after}`;
  return { ok: false, reason, partialOrder: prefix, ...(blocked ? { blocked } : {}), partition: partition.slice() };
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

/** The wall-time budget; it can only turn an answer into "unknown", never change it. */
function deadline(timeoutMs: number | undefined): () => boolean {
  if (timeoutMs === undefined) return () => true;
  const clock = new WallClock();
  const startMs = clock.nowMs();
  return () => clock.nowMs() - startMs <= timeoutMs;
}

function describeOp<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  const known = op.unknown !== true;
  const described = model.describe ? model.describe(op.input, op.output) : `${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`;
  // Nobody saw an unknown operation's answer: whatever describe printed for it is not one.
  const what = known ? described : described.replace(/ -> [^>]*$/, "");
  const when = known ? `[${op.call}, ${op.ret}]` : `[${op.call}, ?] (outcome unknown)`;
  return `client ${op.clientId}: ${what} ${when}`;
}
