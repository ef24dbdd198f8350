import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  checkLinearizable,
  counterModel,
  kvModel,
  registerModel,
  type CounterInput,
  type KvInput,
  type KvOutput,
  type Operation,
  type RegisterInput,
} from "../../../src/lin/index.js";
import { historyArb } from "./histories.js";
import { bruteForceLinearizable, isValidLinearization } from "./reference.js";

const register = registerModel<number | undefined>(0);
const registerInput: fc.Arbitrary<RegisterInput<number | undefined>> = fc.oneof(
  fc.constant({ kind: "get" as const }),
  fc.integer({ min: 0, max: 2 }).map((value) => ({ kind: "put" as const, value })),
);
const counter = counterModel();
const counterInput: fc.Arbitrary<CounterInput> = fc.constantFrom({ kind: "increment" as const }, { kind: "read" as const });
const kv = kvModel();
const kvInput: fc.Arbitrary<KvInput> = fc.oneof(
  fc.constantFrom("a", "b").map((key) => ({ kind: "get" as const, key })),
  fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 3 })).map(([key, v]) => ({ kind: "put" as const, key, value: `v${v}` })),
  fc.constantFrom("a", "b").map((key) => ({ kind: "delete" as const, key })),
);

const op = <I, O>(clientId: number | string, input: I, output: O, call: number, ret: number): Operation<I, O> => ({ clientId, input, output, call, ret });

describe("checkLinearizable agrees with the brute-force definition", () => {
  it("on random register histories of up to 7 operations", () => {
    const arb = historyArb(register, registerInput, (wrong, input) => (input.kind === "get" ? wrong % 3 : undefined), { clients: 3, opsMax: 7, corruptRate: 0.2 });
    let rejected = 0;
    fc.assert(
      fc.property(arb, (history) => {
        const result = checkLinearizable(register, history);
        const expected = bruteForceLinearizable(register, history);
        expect(result.ok).toBe(expected);
        if (result.ok === true) expect(isValidLinearization(register, history, result.order)).toBe(true);
        if (result.ok === false) rejected++;
      }),
      { numRuns: 400 },
    );
    // The generator must exercise both verdicts, or agreement would prove little.
    expect(rejected).toBeGreaterThan(10);
  });

  it("on random counter histories of up to 7 operations", () => {
    const arb = historyArb(counter, counterInput, (wrong) => wrong, { clients: 3, opsMax: 7, corruptRate: 0.2 });
    fc.assert(
      fc.property(arb, (history) => {
        const result = checkLinearizable(counter, history);
        expect(result.ok).toBe(bruteForceLinearizable(counter, history));
        if (result.ok === true) expect(isValidLinearization(counter, history, result.order)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("on random key-value histories, with and without per-key partitioning (P-compositionality)", () => {
    const arb = historyArb(kv, kvInput, (wrong, input) => (input.kind === "get" ? (wrong === 3 ? null : `v${wrong}`) : undefined) as KvOutput, { clients: 3, opsMax: 7, corruptRate: 0.2 });
    const unpartitioned = { ...kv, partition: undefined };
    fc.assert(
      fc.property(arb, (history) => {
        const whole = checkLinearizable(unpartitioned, history);
        const parts = checkLinearizable(kv, history);
        const expected = bruteForceLinearizable(kv, history);
        expect(whole.ok).toBe(expected);
        expect(parts.ok).toBe(expected);
        // The merged order of the partitions must itself be a valid linearization.
        if (parts.ok === true) expect(isValidLinearization(kv, history, parts.order)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("checkLinearizable verdicts", () => {
  it("accepts a sequential history of 1,000 operations in about one search step per operation", () => {
    const history: Operation<CounterInput, number>[] = [];
    for (let i = 0; i < 1000; i++) {
      const input: CounterInput = i % 3 === 2 ? { kind: "read" } : { kind: "increment" };
      const value = history.filter((o) => o.input.kind === "increment").length + (input.kind === "increment" ? 1 : 0);
      history.push(op(i % 8, input, value, i * 10, i * 10 + 5));
    }
    // A budget of 2,048 steps (checked every 1,024) leaves no room for backtracking.
    const result = checkLinearizable(counter, history, { stepsMax: 2048 });
    expect(result.ok).toBe(true);
    if (result.ok === true) expect(result.order).toEqual(history);
  });

  it("rejects a lost update and names the increment that cannot be placed", () => {
    // Two clients both read 0 and both wrote 1: two increments, yet the count is 1.
    const history = [
      op("alice", { kind: "increment" } as CounterInput, 1, 0, 10),
      op("bob", { kind: "increment" } as CounterInput, 1, 2, 12),
      op("carol", { kind: "read" } as CounterInput, 1, 20, 21),
    ];
    const result = checkLinearizable(counter, history);
    expect(result.ok).toBe(false);
    if (result.ok !== false) return;
    expect(result.reason).toMatch(/client (alice|bob): increment\(\) -> 1 \[\d+, \d+\] cannot be placed after the longest linearizable prefix of 1 op\(s\) \[client (alice|bob): increment\(\) -> 1/);
    expect(result.partialOrder).toHaveLength(1);
  });

  it("respects real time: an operation that returned before another was called stays before it", () => {
    const history = [
      op(1, { kind: "put", value: 1 } as RegisterInput<number | undefined>, undefined, 0, 1),
      op(2, { kind: "put", value: 2 } as RegisterInput<number | undefined>, undefined, 2, 3),
      op(3, { kind: "get" } as RegisterInput<number | undefined>, 1, 4, 5),
    ];
    expect(checkLinearizable(register, history).ok).toBe(false);
    // Ignoring real time (put 2, put 1, get) would accept it: the order constraint is what rejects.
    expect(bruteForceLinearizable(register, history, false)).toBe(true);
    // Once the two puts overlap, either may come last.
    const overlapping = history.map((o, i) => (i === 1 ? { ...o, call: 0 } : o));
    expect(checkLinearizable(register, overlapping).ok).toBe(true);
  });

  it("differs from a mutant that treats operations as instants at their call time", () => {
    const instants = <I, O>(h: Operation<I, O>[]): Operation<I, O>[] => h.map((o) => ({ ...o, ret: o.call }));
    // The get overlaps the put and may take effect after it; as instants it would come first.
    const history = [
      op(1, { kind: "get" } as RegisterInput<number | undefined>, 1, 0, 3),
      op(2, { kind: "put", value: 1 } as RegisterInput<number | undefined>, undefined, 2, 10),
    ];
    expect(checkLinearizable(register, history).ok).toBe(true);
    expect(checkLinearizable(register, instants(history)).ok).toBe(false);
    // And in general, intervals only add freedom: whatever is linearizable as instants is as intervals.
    const arb = historyArb(register, registerInput, (wrong, input) => (input.kind === "get" ? wrong % 3 : undefined), { clients: 3, opsMax: 7, corruptRate: 0.2 });
    fc.assert(
      fc.property(arb, (h) => {
        if (checkLinearizable(register, instants(h)).ok === true) expect(checkLinearizable(register, h).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("answers unknown when the step budget runs out before a verdict", () => {
    // Ten overlapping puts and a get of a value nobody wrote: every order of the puts is tried.
    type RegisterOp = Operation<RegisterInput<number | undefined>, number | undefined>;
    const history: RegisterOp[] = Array.from({ length: 10 }, (_, i): RegisterOp => op(i, { kind: "put", value: i }, undefined, 0, 100));
    history.push(op(99, { kind: "get" }, 42, 200, 201));
    expect(checkLinearizable(register, history, { stepsMax: 1 }).ok).toBe("unknown");
    expect(checkLinearizable(register, history).ok).toBe(false);
  });
});
