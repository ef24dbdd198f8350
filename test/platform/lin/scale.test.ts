// The checker at Jepsen scale: partitions decided independently, large generated histories
// decided within a step budget, worker threads agreeing with the single-threaded verdict.
import { describe, expect, it } from "vitest";
import { checkLinearizable, counterModel, kvModel, registerModel, type CounterInput, type KvInput, type KvOutput, type Operation, type RegisterInput } from "../../../src/lin/index.js";
import { checkLinearizableParallel } from "../../../src/lin/parallel.js";
import { kvAnswer, loseAnAppend, randomHistory } from "../../../src/lin/random-history.js";
import { Rng } from "../../../src/sim/rng.js";

const op = <I, O>(clientId: number | string, input: I, output: O, call: number, ret: number): Operation<I, O> => ({ clientId, input, output, call, ret });

/** A key-value history of `clients` clients doing gets and unique appends over `keys` keys. */
function appendHistory(seed: number, clients: number, operations: number, keys: number, crashRate = 0): Operation<KvInput, KvOutput>[] {
  let n = 0;
  return randomHistory({
    model: kvModel({ missing: "" }),
    answer: kvAnswer(""),
    rng: new Rng(seed),
    clients,
    operations,
    crashRate,
    durationMean: 3,
    pauseMean: 6,
    input: (rng) => {
      const key = `k${rng.int(0, keys - 1)}`;
      return rng.bool(0.4) ? { kind: "get" as const, key } : { kind: "append" as const, key, value: `[${n++}]` };
    },
  });
}

describe("partitions are decided independently", () => {
  // Sixteen overlapping puts and a read of a value nobody wrote: every order of the puts is a
  // distinct state, so proving this one key illegal takes far more steps than the budget.
  const hard = (key: string): Operation<KvInput, KvOutput>[] => [
    ...Array.from({ length: 16 }, (_, i) => op(`w${i}`, { kind: "put", key, value: `v${i}` } as KvInput, undefined as KvOutput, 0, 100)),
    op("r", { kind: "get", key } as KvInput, "nobody wrote this" as KvOutput, 200, 201),
  ];
  // A long, sequential key whose very last read misses the write before it: cheap to refute,
  // but only at the end, and it is larger than the hard key, so it is not simply tried first.
  const illegal = (key: string, length: number): Operation<KvInput, KvOutput>[] => {
    const ops: Operation<KvInput, KvOutput>[] = [];
    for (let i = 0; i < length; i++) ops.push(op("s", { kind: "put", key, value: `x${i}` } as KvInput, undefined as KvOutput, 1000 + 2 * i, 1000 + 2 * i + 1));
    ops.push(op("s", { kind: "get", key } as KvInput, `x${length - 2}` as KvOutput, 1000 + 2 * length, 1000 + 2 * length + 1));
    return ops;
  };
  const kv = kvModel();

  it("one illegal partition decides the verdict even when another would exhaust the budget", () => {
    const history = [...hard("hard"), ...illegal("easy", 400)];
    expect(checkLinearizable(kv, hard("hard"), { stepsMax: 200_000 }).ok).toBe("unknown");
    const result = checkLinearizable(kv, history, { stepsMax: 200_000 });
    expect(result.ok).toBe(false);
    if (result.ok !== false) return;
    expect(result.blocked?.input).toEqual({ kind: "get", key: "easy" });
    expect(result.partition?.every((o) => o.input.key === "easy")).toBe(true);
  });

  it("an undecided partition makes the history undecided, never linearizable", () => {
    const history = [...hard("hard").slice(0, -1), op("r", { kind: "get", key: "hard" } as KvInput, "v3" as KvOutput, 200, 201), ...illegal("easy", 3).slice(0, -1)];
    const result = checkLinearizable(kv, [...hard("other"), ...history], { stepsMax: 50_000 });
    expect(result.ok).toBe("unknown");
    if (result.ok === "unknown") expect(result.reason).toMatch(/partition\(s\) linearizable, \d+ undecided, none refuted/);
  });

  it("a memo table past its memory bound answers unknown instead of exhausting the process", () => {
    const result = checkLinearizable(kv, hard("hard"), { memoBytesMax: 64 * 1024 });
    expect(result.ok).toBe("unknown");
    if (result.ok === "unknown") expect(result.reason).toMatch(/memory bound/);
  });
});

describe("large histories", () => {
  it("50 clients, 2,000 operations over 10 keys: linearizable by construction, and a lost append refuted", () => {
    for (const seed of [1, 2, 3]) {
      const history = appendHistory(seed, 50, 2000, 10);
      const model = kvModel({ missing: "" });
      const ok = checkLinearizable(model, history, { stepsMax: 3_000_000 });
      expect(ok.ok, `seed ${seed}`).toBe(true);
      const bad = loseAnAppend(history, new Rng(seed)) as Operation<KvInput, KvOutput>[];
      expect(bad).toBeDefined();
      const refuted = checkLinearizable(model, bad, { stepsMax: 3_000_000 });
      expect(refuted.ok, `seed ${seed}`).toBe(false);
    }
  });

  it("10,000 sequential operations cost one step each", () => {
    const history: Operation<CounterInput, number>[] = [];
    let value = 0;
    for (let i = 0; i < 10_000; i++) {
      const input: CounterInput = i % 3 === 2 ? { kind: "read" } : { kind: "increment" };
      if (input.kind === "increment") value++;
      history.push(op(i % 50, input, value, 2 * i, 2 * i + 1));
    }
    const result = checkLinearizable(counterModel(), history);
    expect(result.ok).toBe(true);
    expect(result.steps).toBe(10_000);
  });

  it("clients that crash mid-operation (unknown outcomes) are handled at scale", () => {
    const history = appendHistory(5, 20, 2000, 20, 0.01);
    expect(history.some((o) => o.unknown === true)).toBe(true);
    expect(checkLinearizable(kvModel({ missing: "" }), history, { stepsMax: 5_000_000 }).ok).toBe(true);
  });

  it("worker threads reach the single-threaded verdict, and report the same refutation", async () => {
    const history = appendHistory(6, 50, 2400, 12) as Operation<unknown, unknown>[];
    const bad = loseAnAppend(history as Operation<KvInput, KvOutput>[], new Rng(6)) as Operation<unknown, unknown>[];
    const spec = { model: "kv" as const, modelOptions: { missing: "" } };
    const [okAlone, okThreads, badThreads] = [
      checkLinearizable(kvModel({ missing: "" }), history as Operation<KvInput, KvOutput>[]),
      await checkLinearizableParallel(spec, history, { threads: 2 }),
      await checkLinearizableParallel(spec, bad, { threads: 2 }),
    ];
    expect(okAlone.ok).toBe(true);
    expect(okThreads.ok).toBe(true);
    expect(badThreads.ok).toBe(false);
    // The merged order from the threads is a real linearization of the whole history.
    if (okThreads.ok === true) expect(new Set(okThreads.order).size).toBe(history.length);
    if (badThreads.ok === false) expect(badThreads.reason).toMatch(/cannot be placed/);
  }, 120_000);

  it("a register history with unknown outcomes and no partitioning still decides", () => {
    const register = registerModel<number>(0);
    const rng = new Rng(7);
    const history = randomHistory({
      model: register,
      answer: (state, input) => (input.kind === "get" ? state : undefined),
      rng,
      clients: 8,
      operations: 400,
      crashRate: 0.02,
      input: (r): RegisterInput<number> => (r.bool(0.5) ? { kind: "get" } : { kind: "put", value: r.int(0, 5) }),
    });
    expect(checkLinearizable(register, history, { stepsMax: 5_000_000 }).ok).toBe(true);
  });
});
