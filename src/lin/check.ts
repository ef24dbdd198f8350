import { EdgeError } from "../core/errors.js";
import { WallClock } from "../sim/clock.js";
import { MEMO_BYTES_MAX_DEFAULT } from "./memo.js";
import { BUDGET_STEPS, PartitionSearch } from "./search.js";
import type { CheckOptions, CheckResult, CheckVerdict, Model, Operation } from "./types.js";

export const STEPS_MAX_DEFAULT = 100_000_000;
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
  const partitions = model.partition ? model.partition(history) : [history.slice()];
  const outcome = decidePartitions(model, partitions, options.stepsMax ?? STEPS_MAX_DEFAULT, deadline(options.timeoutMs), options.memoBytesMax);
  return verdictOf(model, partitions, outcome, options);
}

/** What deciding a set of partitions came to; operations are named by their index in their partition. */
export type PartitionsOutcome =
  | { kind: "refuted"; partition: number; partialOrder: number[]; blocked: number | undefined; steps: number }
  | { kind: "linearizable"; orders: number[][]; steps: number }
  | { kind: "undecided"; decided: number; steps: number; memoryFull: boolean };

/**
 * The scheduler behind `checkLinearizable`: smallest partition first, round-robin with doubling
 * step slices, stopping at the first refuted partition. Shared with the worker threads of
 * `checkLinearizableParallel`, which run it on their share of the partitions.
 */
export function decidePartitions<S, I, O>(model: Model<S, I, O>, partitions: readonly (readonly Operation<I, O>[])[], stepsMax: number, mayGoOn: () => boolean, memoBytesMax?: number): PartitionsOutcome {
  const searches = partitions.map((ops, index) => ({ index, search: new PartitionSearch(model, ops, memoBytesMax) }));
  let pending = [...searches].sort((a, b) => a.search.ops.length - b.search.ops.length);
  const positions = partitions.map((ops) => new Map(ops.map((op, i) => [op, i])));
  const indexIn = (partition: number, op: Operation<I, O>): number => (positions[partition] as Map<Operation<I, O>, number>).get(op) as number;
  let decided = 0;
  let spent = 0;
  let slice = SLICE_STEPS_FIRST;
  let outOfBudget = false;
  let memoryFull = false;
  while (pending.length > 0 && !outOfBudget) {
    const still: typeof pending = [];
    for (const item of pending) {
      const { search, index } = item;
      const before = search.steps;
      const result = search.run(Math.min(slice, stepsMax - spent), () => spent + (search.steps - before) <= stepsMax && mayGoOn());
      spent += search.steps - before;
      if (result === undefined) still.push(item);
      else if (result.ok === false) {
        const blocked = result.blocked === undefined ? undefined : indexIn(index, result.blocked);
        return { kind: "refuted", partition: index, partialOrder: result.partialOrder.map((op) => indexIn(index, op)), blocked, steps: spent };
      } else if (result.ok === "unknown") {
        // Out of memory for this partition only: the others may still refute the history.
        if (result.why === "memory") memoryFull = true;
        else outOfBudget = true;
      } else decided++;
      if (spent >= stepsMax || !mayGoOn()) outOfBudget = true;
      if (outOfBudget) break;
    }
    pending = still;
    slice *= 2;
  }
  if (outOfBudget || pending.length > 0 || memoryFull) return { kind: "undecided", decided, steps: spent, memoryFull };
  const orders = searches.map(({ search, index }) => (search.result as { order: Operation<I, O>[] }).order.map((op) => indexIn(index, op)));
  return { kind: "linearizable", orders, steps: spent };
}

/** Turns an outcome back into operations and words. */
export function verdictOf<S, I, O>(model: Model<S, I, O>, partitions: readonly (readonly Operation<I, O>[])[], outcome: PartitionsOutcome, options: CheckOptions): CheckResult<I, O> {
  if (outcome.kind === "refuted") {
    const ops = partitions[outcome.partition] as readonly Operation<I, O>[];
    const at = (i: number): Operation<I, O> => ops[i] as Operation<I, O>;
    return { ...refuted(model, ops, outcome.partialOrder.map(at), outcome.blocked === undefined ? undefined : at(outcome.blocked)), steps: outcome.steps };
  }
  if (outcome.kind === "undecided") {
    const open = partitions.length - outcome.decided;
    return {
      ok: "unknown",
      reason:
        (outcome.memoryFull
          ? `gave up when a partition's memo table reached its memory bound (memoBytesMax ${options.memoBytesMax ?? MEMO_BYTES_MAX_DEFAULT}): `
          : `gave up after the budget (timeoutMs ${options.timeoutMs ?? "none"}, stepsMax ${options.stepsMax ?? STEPS_MAX_DEFAULT}) was spent: `) +
        `${outcome.decided} of ${partitions.length} partition(s) linearizable, ${open} undecided, none refuted`,
      steps: outcome.steps,
    };
  }
  const orders = outcome.orders.map((order, p) => order.map((i) => (partitions[p] as readonly Operation<I, O>[])[i] as Operation<I, O>));
  return { ok: true, order: mergeOrders(orders), steps: outcome.steps };
}

/** A history the checker cannot read is the caller's mistake: a typed error naming the operation. */
export function validateHistory<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[]): void {
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
export function deadline(timeoutMs: number | undefined): () => boolean {
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
