import fc from "fast-check";
import { check, defineLevel, PictureFailure, requireExport } from "../../../src/kata/index.js";
import { checkLinearizable as reference, counterModel, kvModel, registerModel, type CheckResult, type Model, type Operation } from "../../../src/lin/index.js";
import { renderTimeline } from "../../../src/lin/timeline.js";
import { Rng } from "../../../src/sim/index.js";

type AnyModel = Model<unknown, unknown, unknown>;
type AnyOp = Operation<unknown, unknown>;
type Checker = (model: AnyModel, history: readonly AnyOp[], options?: { stepsMax?: number }) => CheckResult<unknown, unknown>;

/** Wraps a model to count `step` and `apply` calls and to stop a runaway search at `stepsCap`. */
function counting(model: AnyModel, stepsCap = Number.POSITIVE_INFINITY): { model: AnyModel; steps: () => number } {
  let steps = 0;
  const wrapped: AnyModel = {
    init: () => model.init(),
    step: (state, input, output) => {
      if (++steps > stepsCap) throw new Error(`spent more than ${stepsCap} model steps`);
      return model.step(state, input, output);
    },
    ...(model.apply !== undefined && {
      apply: (state: unknown, input: unknown) => {
        if (++steps > stepsCap) throw new Error(`spent more than ${stepsCap} model steps`);
        return (model.apply as NonNullable<AnyModel["apply"]>)(state, input);
      },
    }),
    ...(model.partition !== undefined && { partition: (h: readonly AnyOp[]) => (model.partition as NonNullable<AnyModel["partition"]>)(h) }),
    ...(model.hash !== undefined && { hash: (s: unknown) => (model.hash as NonNullable<AnyModel["hash"]>)(s) }),
    ...(model.describe !== undefined && { describe: (i: unknown, o: unknown) => (model.describe as NonNullable<AnyModel["describe"]>)(i, o) }),
  };
  return { model: wrapped, steps: () => steps };
}

type Kind = "register" | "kv" | "counter";
const models: Record<Kind, () => AnyModel> = {
  register: () => registerModel(0) as AnyModel,
  kv: () => kvModel() as AnyModel,
  counter: () => counterModel() as AnyModel,
};

function input(kind: Kind, r: { write: boolean; key: number; value: number }): unknown {
  if (kind === "register") return r.write ? { kind: "put", value: r.value } : { kind: "get" };
  if (kind === "counter") return r.write ? { kind: "increment" } : { kind: "read" };
  return r.write ? { kind: "put", key: `k${r.key}`, value: `v${r.value}` } : { kind: "get", key: `k${r.key}` };
}

/**
 * Small histories from a real execution: each client's operations are sequential, each
 * takes effect at a point inside its interval, and outputs come from the model in that
 * order — so concurrent writes often take effect in the opposite of their call order. Some
 * operations' outcomes are unknown (the client crashed: it took effect, or not, and its
 * client comes back under a new id). One output in three runs is then corrupted, which may or
 * may not break linearizability; the reference checker decides.
 */
const smallHistory = fc
  .record({
    kind: fc.constantFrom<Kind>("register", "register", "kv", "counter"),
    ops: fc.array(
      fc.record({
        client: fc.integer({ min: 0, max: 3 }),
        write: fc.boolean(),
        key: fc.integer({ min: 0, max: 1 }),
        value: fc.integer({ min: 1, max: 3 }),
        gap: fc.integer({ min: 0, max: 3 }),
        dur: fc.integer({ min: 0, max: 6 }),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        crash: fc.constantFrom<"none" | "took effect" | "no effect">("none", "none", "none", "none", "none", "took effect", "no effect"),
      }),
      { minLength: 1, maxLength: 9 },
    ),
    corrupt: fc.option(fc.record({ index: fc.nat(), value: fc.integer({ min: 0, max: 3 }) }), { freq: 2 }),
  })
  .map(({ kind, ops, corrupt }) => {
    const cursor = [0, 0, 0, 0];
    // A crashed client comes back under a new id: its unknown operation is pending for ever.
    const clientIds = [0, 1, 2, 3];
    const timed = ops.map((r, id) => {
      const call = (cursor[r.client] as number) + r.gap;
      const ret = call + r.dur;
      cursor[r.client] = ret + 1;
      const clientId = clientIds[r.client] as number;
      if (r.crash !== "none") clientIds[r.client] = clientId + 4;
      return { id, r, clientId, call, ret, point: call + r.at * (ret - call) };
    });
    const model = models[kind]();
    let state = model.init();
    const history: AnyOp[] = new Array<AnyOp>(timed.length);
    for (const t of [...timed].sort((a, b) => a.point - b.point || a.id - b.id)) {
      const inp = input(kind, t.r);
      const output = trueOutput(kind, state, inp);
      if (t.r.crash !== "no effect") state = model.step(state, inp, output).state;
      // `ret` and `output` of an unknown operation are meaningless; they are left as garbage.
      history[t.id] = t.r.crash === "none" ? { clientId: t.clientId, input: inp, output, call: t.call, ret: t.ret } : { clientId: t.clientId, input: inp, output: undefined, call: t.call, ret: t.call, unknown: true };
    }
    if (corrupt !== null) {
      const op = history[corrupt.index % history.length] as AnyOp;
      const bad = kind === "counter" ? corrupt.value : kind === "kv" ? (corrupt.value === 0 ? null : `v${corrupt.value}`) : corrupt.value;
      if (op.output !== undefined && op.unknown !== true) op.output = bad;
    }
    return { kind, history };
  });

/** What a sequential object answers: the value for reads, the new count for increments. */
function trueOutput(kind: Kind, state: unknown, inp: unknown): unknown {
  const i = inp as { kind: string; key?: string };
  if (kind === "register") return i.kind === "get" ? state : undefined;
  if (kind === "counter") return i.kind === "increment" ? (state as number) + 1 : state;
  return i.kind === "get" ? ((state as Record<string, string>)[i.key as string] ?? null) : undefined;
}

function describeHistory(h: readonly AnyOp[]): string {
  return h.map((o) => `c${o.clientId} ${JSON.stringify(o.input)}->${o.unknown === true ? "?" : JSON.stringify(o.output)} [${o.call},${o.unknown === true ? "?" : o.ret}]`).join("\n  ");
}

/** A result claiming ok must carry a real linearization: all ops, real time kept, model accepts. */
function validateOrder(model: AnyModel, history: readonly AnyOp[], order: readonly AnyOp[]): void {
  if (order.length !== history.length || new Set(order).size !== history.length || order.some((o) => !history.includes(o))) throw new Error(`the order has ${order.length} operations, not a permutation of the ${history.length} in the history`);
  let state = model.init();
  order.forEach((op, k) => {
    const later = order.slice(0, k).find((earlier) => op.unknown !== true && op.ret < earlier.call);
    if (later !== undefined) throw new Error(`the order puts an op that started at ${later.call} before one that returned at ${op.ret}`);
    if (op.unknown === true) {
      state = (model.apply as NonNullable<AnyModel["apply"]>)(state, op.input);
      return;
    }
    const stepped = model.step(state, op.input, op.output);
    if (!stepped.ok) throw new Error(`the model rejects op ${k} of the order: ${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`);
    state = stepped.state;
  });
}

/**
 * 1,000 operations on 10 keys in waves of 20 concurrent operations (calls before returns),
 * outputs from a random order inside each wave; `corrupt` makes one read of the last wave
 * return a value nobody wrote. Searching the whole map at once meets 2^19 subsets of the
 * last wave; per key, a handful.
 */
function bigHistory(seed: number, corrupt: boolean): AnyOp[] {
  const rng = new Rng(seed);
  const WAVES = 50;
  const WIDTH = 20;
  const state: Record<string, string> = {};
  const history: AnyOp[] = [];
  for (let w = 0; w < WAVES; w++) {
    const wave: AnyOp[] = [];
    for (let j = 0; j < WIDTH; j++) {
      const key = `k${rng.int(0, 9)}`;
      const write = j > 0 && rng.bool(0.5);
      wave.push({ clientId: j, input: write ? { kind: "put", key, value: `${w}.${j}` } : { kind: "get", key }, output: undefined, call: 10 * w, ret: 10 * w + 5 });
    }
    for (const op of rng.shuffle([...wave])) {
      const i = op.input as { kind: string; key: string; value?: string };
      if (i.kind === "put") state[i.key] = i.value as string;
      else op.output = state[i.key] ?? null;
    }
    history.push(...wave);
  }
  if (corrupt) (history[history.length - 20] as AnyOp).output = "never-written";
  return history;
}

/**
 * A rejection's `partialOrder` must be what CheckResult promises: a linearizable prefix (ops of
 * the history, each once, in an order the model accepts and real time allows) that is the
 * longest one, as long as the reference's. Only for unpartitioned models, where there is one
 * failing part to compare.
 */
function validatePartialOrder(model: AnyModel, history: readonly AnyOp[], partial: unknown, longest: number): void {
  if (!Array.isArray(partial)) throw new Error(`a rejection's partialOrder must be an array of operations, got ${typeof partial}`);
  const order = partial as AnyOp[];
  if (new Set(order).size !== order.length || order.some((o) => !history.includes(o))) throw new Error("partialOrder must list operations of the history, each at most once");
  let state = model.init();
  order.forEach((op, k) => {
    const early = order.slice(0, k).find((earlier) => op.unknown !== true && op.ret < earlier.call);
    if (early !== undefined) throw new Error(`partialOrder puts an op that started at ${early.call} before one that returned at ${op.ret}`);
    if (op.unknown === true) {
      state = (model.apply as NonNullable<AnyModel["apply"]>)(state, op.input);
      return;
    }
    const stepped = model.step(state, op.input, op.output);
    if (!stepped.ok) throw new Error(`partialOrder is not linearizable: the model rejects op ${k}: ${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`);
    state = stepped.state;
  });
  if (order.length !== longest) throw new Error(`partialOrder has ${order.length} operation(s), but the longest linearizable prefix has ${longest}: it must be the longest prefix the search found, where the history goes wrong`);
}

type Case = { kind: Kind; history: AnyOp[] };
const op = (clientId: number, input: unknown, output: unknown, call: number, ret: number): AnyOp => ({ clientId, input, output, call, ret });
const crashed = (clientId: number, input: unknown, call: number): AnyOp => ({ clientId, input, output: undefined, call, ret: call, unknown: true });
const put = (value: number): unknown => ({ kind: "put", value });
const get = { kind: "get" };

/**
 * `n` register operations: the given ones, concurrent (called at 0, returned at 10), at their
 * indices, and a sequential put at every other index, after them all. The fillers never
 * constrain anything; they only put the interesting operations at indices whose memo keys
 * collide when a set is written as numbers without a separator.
 */
function padded(n: number, at: Record<number, { input: unknown; output: unknown }>): AnyOp[] {
  return Array.from({ length: n }, (_, i) => {
    const o = at[i];
    return o !== undefined ? op(i, o.input, o.output, 0, 10) : op(i, put(100 + i), undefined, 20 + 2 * i, 21 + 2 * i);
  });
}

/**
 * Hand-made histories where a plausible shortcut gives the wrong verdict; the reference
 * decides each. Graded before any random history, so no mistake below depends on the seed.
 */
const HARD_CASES: Case[] = [
  // Memo keyed by the set alone: put 1 then put 2 fails the get; the same set in the other
  // order (put 2, put 1) succeeds, but a set-only memo has already written that set off.
  { kind: "register", history: [op(0, put(1), undefined, 0, 1), op(1, put(2), undefined, 0, 0), op(0, get, 1, 2, 2)] },
  { kind: "register", history: [op(0, put(1), undefined, 0, 3), op(1, put(2), undefined, 0, 3), op(2, put(3), undefined, 0, 3), op(0, get, 1, 4, 4), op(1, get, 1, 5, 5)] },
  { kind: "counter", history: [op(0, { kind: "increment" }, 1, 0, 2), op(1, { kind: "read" }, 0, 0, 2), op(2, { kind: "increment" }, 2, 1, 2), op(0, { kind: "read" }, 2, 3, 3)] },
  // Touching intervals are concurrent: the get called at 1 may precede the put that returned at 1.
  { kind: "register", history: [op(0, put(1), undefined, 0, 1), op(1, get, 0, 1, 2)] },
  // An unknown outcome: the crashed put may have taken effect (and been seen) or not.
  { kind: "register", history: [crashed(0, put(5), 0), op(1, get, 5, 1, 2)] },
  { kind: "register", history: [crashed(0, put(5), 0), op(1, get, 0, 1, 2), op(1, get, 5, 3, 4), op(1, get, 5, 5, 6)] },
  { kind: "register", history: [crashed(0, put(5), 2), op(1, get, 5, 0, 1)] },
  { kind: "kv", history: [crashed(0, { kind: "put", key: "k0", value: "v1" }, 0), op(1, { kind: "get", key: "k1" }, null, 1, 2), op(1, { kind: "get", key: "k0" }, "v1", 3, 4)] },
  // Parts interleaved by their running maximum of call times, not each op's own call.
  { kind: "kv", history: [op(0, { kind: "get", key: "k1" }, null, 0, 0), op(0, { kind: "get", key: "k0" }, null, 1, 1), op(0, { kind: "get", key: "k1" }, null, 2, 2)] },
  { kind: "register", history: [op(0, put(1), undefined, 0, 1), op(0, get, 1, 2, 2), op(1, get, 0, 1, 1), op(0, get, 1, 3, 3)] },
  // A rejection's partialOrder is the longest linearizable prefix, not the latest dead end
  // (here the two reads, not the empty prefix the last backtrack left) nor the first one.
  { kind: "counter", history: [op(0, { kind: "read" }, 0, 0, 0), op(0, { kind: "read" }, 0, 1, 1), op(0, { kind: "increment" }, 0, 2, 2)] },
  { kind: "register", history: [crashed(0, put(1), 0), op(4, get, 2, 1, 1), op(1, get, 0, 0, 0)] },
  // Memo keys written as numbers with no separator collide ("a"+"12" = "a1"+"2"). A 32-bit
  // bitset's words: {0, 1, 3} is [11, 0] and {0, 33, 35} is [1, 10], both "110", with the same
  // register value; the first fails, so a collision prunes the only way through.
  { kind: "register", history: padded(36, { 0: { input: get, output: 0 }, 1: { input: get, output: 1 }, 3: { input: get, output: 1 }, 32: { input: put(1), output: undefined }, 33: { input: get, output: 0 }, 35: { input: get, output: 0 } }) },
  // The sorted indices of the linearized set: {1, 2, 3} and {1, 23} both read "123".
  { kind: "register", history: padded(26, { 0: { input: put(1), output: undefined }, 1: { input: put(1), output: undefined }, 2: { input: get, output: 1 }, 3: { input: get, output: 1 }, 12: { input: get, output: 1 }, 23: { input: get, output: 0 } }) },
];

/** Linearizable hard cases with a crashed operation: any checker must place it, so it needs apply(). */
const WITH_UNKNOWN = HARD_CASES.filter((c) => c.history.some((o) => o.unknown === true) && reference(models[c.kind](), c.history).ok === true);

/** Hard cases the reference rejects: each has an operation that cannot be placed. */
const REJECTED = HARD_CASES.filter((c) => reference(models[c.kind](), c.history).ok === false);

/**
 * The README's form of the operation a rejection names: `client <id>: <what> [<call>, <ret>]`,
 * <what> from the model's describe, or the input as JSON for a model without one.
 */
function named(model: AnyModel, op: AnyOp): string {
  const what = model.describe !== undefined ? model.describe(op.input, op.output) : JSON.stringify(op.input);
  return `client ${op.clientId}: ${what} [${op.call}, ${op.ret}]`;
}

/** n sequential operations over `keys` keys, each key's sub-history linearizable. */
function sequentialKv(n: number, keys: number): AnyOp[] {
  const state: Record<string, string> = {};
  return Array.from({ length: n }, (_, k) => {
    const key = `k${k % keys}`;
    if (k % 2 === 0) {
      state[key] = `v${k}`;
      return op(0, { kind: "put", key, value: `v${k}` }, undefined, 2 * k, 2 * k + 1);
    }
    return op(0, { kind: "get", key }, state[key] ?? null, 2 * k, 2 * k + 1);
  });
}

export const suite = defineLevel<Checker>({
  kata: "q2-kv-vs-do",
  level: 5,
  load: (m) => requireExport<Checker>(m, "checkLinearizable"),
  probe: (checker) => checker(models.register(), [{ clientId: 0, input: { kind: "get" }, output: 0, call: 0, ret: 1 }]),
  properties: [
    {
      name: "agrees with the reference checker on small concurrent histories, and every 'ok' carries a valid linearization",
      run: (checker, ctx) =>
        check(
          fc.property(smallHistory, ({ kind, history }) => {
            const want = reference(models[kind](), history);
            const got = checker(models[kind](), history);
            if (got.ok !== want.ok) {
              throw new PictureFailure(`${kind} history:\n  ${describeHistory(history)}\nreference says ${String(want.ok)}, checker says ${String(got.ok)}`, () =>
                renderTimeline(history, want, { model: models[kind]() as Model<unknown, unknown, unknown>, title: `q2/5: the reference checker says ${String(want.ok)}, yours says ${String(got.ok)}` }),
              );
            }
            if (got.ok === true) validateOrder(models[kind](), history, got.order);
            if (got.ok === false && (typeof got.reason !== "string" || got.reason.length === 0)) throw new Error("a rejection needs a reason");
            if (got.ok === false && want.ok === false && kind !== "kv") validatePartialOrder(models[kind](), history, got.partialOrder, want.partialOrder.length);
          }),
          ctx,
          { numRuns: 250, examples: HARD_CASES.map((c) => [c]) },
        ),
    },
    {
      name: "a rejection's reason names an operation that cannot be placed after partialOrder: client <id>: <what> [<call>, <ret>]",
      run: (checker, ctx) =>
        check(
          fc.property(smallHistory, fc.boolean(), ({ kind, history }, withDescribe) => {
            const { describe: _describe, ...plain } = models[kind]();
            const model = withDescribe ? models[kind]() : (plain as AnyModel);
            const got = checker(model, history);
            if (got.ok !== false) return;
            const placed = Array.isArray(got.partialOrder) ? got.partialOrder : [];
            const candidates = history.filter((o) => o.unknown !== true && !placed.includes(o));
            if (typeof got.reason === "string" && candidates.some((o) => got.reason.includes(named(model, o)))) return;
            const shapes = candidates.slice(0, 3).map((o) => `"${named(model, o)}"`).join(", ");
            throw new Error(`${kind} history${withDescribe ? "" : " (model without describe)"}:\n  ${describeHistory(history)}\nreason ${JSON.stringify(got.reason)} names no operation outside partialOrder in the README's form, such as ${shapes}`);
          }),
          ctx,
          { numRuns: 250, examples: REJECTED.flatMap((c) => [[c, true] as [Case, boolean], [c, false] as [Case, boolean]]) },
        ),
    },
    {
      name: "refuses, with an error that says so, a history with an unknown outcome when the model has no apply()",
      run: (checker, ctx) =>
        check(
          fc.property(fc.constantFrom(...WITH_UNKNOWN), ({ kind, history }) => {
            const { apply: _apply, ...withoutApply } = models[kind]();
            let answer: unknown;
            try {
              answer = checker(withoutApply as AnyModel, history);
            } catch (error) {
              if (!(error instanceof Error) || error.message.trim() === "") throw new Error(`threw ${String(error)} with no message; say that the model needs apply() for an unknown outcome`);
              return;
            }
            throw new Error(`answered ${JSON.stringify(answer)}, but the model has no apply() to say what the crashed operation did: that is the caller's mistake, throw an error that says so`);
          }),
          ctx,
          { numRuns: WITH_UNKNOWN.length, examples: WITH_UNKNOWN.map((c) => [c]) },
        ),
    },
    {
      name: "checks a sequential history of n operations in O(n) model steps",
      run: (checker, ctx) =>
        check(
          fc.property(fc.integer({ min: 20, max: 400 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (n, seed, corrupt) => {
            const rng = new Rng(seed);
            const state: Record<string, string> = {};
            const history: AnyOp[] = Array.from({ length: n }, (_, k) => {
              const key = `k${rng.int(0, 3)}`;
              if (rng.bool(0.5)) return { clientId: k % 3, input: { kind: "put", key, value: `v${k}` }, output: undefined, call: 2 * k, ret: 2 * k + 1 };
              const out = state[key] ?? null;
              return { clientId: k % 3, input: { kind: "get", key }, output: out, call: 2 * k, ret: 2 * k + 1 };
            }).map((op) => {
              const i = op.input as { kind: string; key: string; value?: string };
              if (i.kind === "put") state[i.key] = i.value as string;
              else op.output = state[i.key] ?? null;
              return op;
            });
            if (corrupt) (history[n - 1] as AnyOp).input = { kind: "get", key: "k0" };
            if (corrupt) (history[n - 1] as AnyOp).output = "never-written";
            const counted = counting(models.kv(), 3 * n + 10);
            const got = checker(counted.model, history);
            if (got.ok !== !corrupt) throw new Error(`sequential history of ${n}: expected ${String(!corrupt)}, got ${String(got.ok)}`);
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "never spends more than stepsMax model steps over all partitions together, and answers \"unknown\" when that is too few",
      run: (checker, ctx) =>
        check(
          fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 10, max: 40 }), (keys, perKey) => {
            // Every part alone fits in the budget; all of them together do not.
            const history = sequentialKv(2 * keys * perKey, 2 * keys);
            const stepsMax = Math.floor(history.length / 2);
            const counted = counting(models.kv(), stepsMax);
            const got = checker(counted.model, history, { stepsMax });
            if (got.ok !== "unknown") throw new Error(`${history.length} sequential operations on ${2 * keys} keys with stepsMax ${stepsMax}: answered ${String(got.ok)} after ${counted.steps()} model steps; a full order steps every operation once, so the budget cannot suffice`);
            if (typeof got.reason !== "string" || got.reason.trim() === "") throw new Error(`an "unknown" answer needs a reason (say that the step budget ran out); got ${JSON.stringify(got.reason)}`);
            // "Unknown" means the budget was spent: giving up one step early is a wrong answer
            // for a history that needs exactly stepsMax steps.
            if (counted.steps() !== stepsMax) throw new Error(`answered "unknown" after ${counted.steps()} model steps with stepsMax ${stepsMax}: give up only once all ${stepsMax} are spent`);
            const exact = sequentialKv(stepsMax, 2 * keys);
            const tight = checker(counting(models.kv(), stepsMax).model, exact, { stepsMax });
            if (tight.ok !== true) throw new Error(`${exact.length} sequential operations with stepsMax ${stepsMax} (one step each, exactly the budget): expected true, got ${String(tight.ok)}`);
            const roomy = counting(models.kv(), 10 * history.length);
            const enough = checker(roomy.model, history, { stepsMax: 10 * history.length });
            if (enough.ok !== true) throw new Error(`the same history with stepsMax ${10 * history.length}: expected true, got ${String(enough.ok)}`);
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
    {
      name: "decides a 1,000-operation key-value history within 20,000 model steps (about 10× what a memoised per-key search spends)",
      run: (checker, ctx) =>
        check(
          fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
            for (const corrupt of [false, true]) {
              const counted = counting(models.kv(), 20_000);
              const history = bigHistory(seed, corrupt);
              const got = checker(counted.model, history);
              if (got.ok !== !corrupt) throw new Error(`1,000-op history (corrupt: ${corrupt}): expected ${String(!corrupt)}, got ${String(got.ok)}`);
              // Ten parts' orders, 20 operations at each call time: the merged order must still be one.
              if (got.ok === true) validateOrder(models.kv(), history, got.order);
            }
          }),
          ctx,
          { numRuns: 4 },
        ),
    },
  ],
});
