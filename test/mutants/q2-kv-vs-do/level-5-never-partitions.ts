// Mutant: never calls model.partition ("partitioning is only an optimisation; verdicts are the same"): verdicts agree, but a 1,000-operation key-value history blows the step budget. (blind)
import type { CheckResult, Model, Operation } from "../../../src/lin/index.js";

export interface CheckerOptions {
  /** Model steps before giving up with "unknown". @defaultValue 10_000_000 */
  stepsMax?: number;
}

const STEPS_MAX_DEFAULT = 10_000_000;

/** One call or return event in the doubly linked list of the search. */
interface Entry {
  op: number;
  isCall: boolean;
  time: number;
  prev: Entry | null;
  next: Entry | null;
  /** The call's return entry (null for a call whose outcome is unknown, and for returns). */
  ret: Entry | null;
}

interface Budget {
  steps: number;
  max: number;
}

type PartResult =
  | { kind: "ok"; order: number[] }
  | { kind: "fail"; partial: number[]; blocked: number | undefined }
  | { kind: "unknown" };

function buildList<I, O>(ops: readonly Operation<I, O>[]): Entry {
  const entries: Entry[] = [];
  ops.forEach((op, i) => {
    const call: Entry = { op: i, isCall: true, time: op.call, prev: null, next: null, ret: null };
    entries.push(call);
    if (!op.unknown) {
      const ret: Entry = { op: i, isCall: false, time: op.ret, prev: null, next: null, ret: null };
      call.ret = ret;
      entries.push(ret);
    }
  });
  // Time order; at equal times calls come first (the operations overlap).
  entries.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1));
  const head: Entry = { op: -1, isCall: false, time: -Infinity, prev: null, next: null, ret: null };
  let last = head;
  for (const e of entries) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

function unlink(e: Entry): void {
  e.prev!.next = e.next;
  if (e.next !== null) e.next.prev = e.prev;
}

function relink(e: Entry): void {
  e.prev!.next = e;
  if (e.next !== null) e.next.prev = e;
}

function lift(call: Entry): void {
  unlink(call);
  if (call.ret !== null) unlink(call.ret);
}

function unlift(call: Entry): void {
  if (call.ret !== null) relink(call.ret);
  relink(call);
}

function searchPartition<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget: Budget): PartResult {
  const n = ops.length;
  const head = buildList(ops);
  const hash = model.hash ?? ((s: S): string => JSON.stringify(s));
  const bits = new Uint32Array((n + 31) >>> 5);
  const memo = new Set<string>();
  const stack: { entry: Entry; state: S }[] = [];
  const knownCount = ops.filter((op) => !op.unknown).length;
  let knownDone = 0;
  let state = model.init();
  let best: number[] = [];
  let blocked: number | undefined;
  let entry = head.next;

  for (;;) {
    if (knownDone === knownCount) {
      const order = stack.map((s) => s.entry.op);
      // Unknown operations left over did not take effect (or took it last): put them at the end.
      const placed = new Set(order);
      for (let i = 0; i < n; i++) if (!placed.has(i)) order.push(i);
      return { kind: "ok", order };
    }
    if (entry !== null && entry.isCall) {
      const op = ops[entry.op]!;
      if (budget.steps >= budget.max) return { kind: "unknown" };
      budget.steps++;
      let ok: boolean;
      let next: S;
      if (op.unknown) {
        next = model.apply!(state, op.input);
        ok = true;
      } else {
        const r = model.step(state, op.input, op.output);
        ok = r.ok;
        next = r.state;
      }
      if (ok) {
        bits[entry.op >>> 5] |= 1 << (entry.op & 31);
        const key = `${bits.join(",")}|${hash(next)}`;
        if (!memo.has(key)) {
          memo.add(key);
          stack.push({ entry, state });
          state = next;
          if (!op.unknown) knownDone++;
          lift(entry);
          if (stack.length > best.length) best = stack.map((s) => s.entry.op);
          entry = head.next;
          continue;
        }
        bits[entry.op >>> 5] &= ~(1 << (entry.op & 31));
      }
      entry = entry.next;
    } else {
      // A return whose call is still pending, or the end of the list: undo the last choice.
      if (entry !== null && stack.length === best.length) blocked = entry.op;
      const top = stack.pop();
      if (top === undefined) return { kind: "fail", partial: best, blocked };
      const call = top.entry;
      bits[call.op >>> 5] &= ~(1 << (call.op & 31));
      state = top.state;
      if (!ops[call.op]!.unknown) knownDone--;
      unlift(call);
      entry = call.next;
    }
  }
}

/** Interleaves per-partition orders by the running maximum of call times (keeps real time). */
function mergeOrders<I, O>(parts: readonly (readonly Operation<I, O>[])[], orders: readonly number[][]): Operation<I, O>[] {
  const all: { op: Operation<I, O>; key: number; part: number; idx: number }[] = [];
  orders.forEach((order, p) => {
    let runMax = -Infinity;
    order.forEach((i, idx) => {
      const op = parts[p]![i]!;
      runMax = Math.max(runMax, op.call);
      all.push({ op, key: runMax, part: p, idx });
    });
  });
  all.sort((a, b) => a.key - b.key || a.part - b.part || a.idx - b.idx);
  return all.map((x) => x.op);
}

export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckerOptions = {}): CheckResult<I, O> {
  const budget: Budget = { steps: 0, max: options.stepsMax ?? STEPS_MAX_DEFAULT };
  // The model's state covers every key, so one search over the whole history is enough.
  const parts: Operation<I, O>[][] = [history.slice()];
  const orders: number[][] = [];
  let undecided = false;
  for (const part of parts) {
    const r = searchPartition(model, part, budget);
    if (r.kind === "fail") {
      const partialOrder = r.partial.map((i) => part[i]!);
      const blocked = r.blocked === undefined ? undefined : part[r.blocked];
      const reason = blocked === undefined
        ? `no linearization of a ${part.length}-operation partition`
        : `no linearization: operation of client ${String(blocked.clientId)} cannot be placed after ${partialOrder.length} operations`;
      return blocked === undefined
        ? { ok: false, reason, partialOrder, partition: part, steps: budget.steps }
        : { ok: false, reason, partialOrder, blocked, partition: part, steps: budget.steps };
    }
    if (r.kind === "unknown") {
      undecided = true;
      break;
    }
    orders.push(r.order);
  }
  if (undecided) return { ok: "unknown", reason: `gave up after ${budget.steps} model steps (stepsMax ${budget.max})`, steps: budget.steps };
  return { ok: true, order: mergeOrders(parts, orders), steps: budget.steps };
}
