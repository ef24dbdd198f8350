import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  casRegisterModel,
  checkLinearizable,
  counterModel,
  kvModel,
  registerModel,
  type CasRegisterInput,
  type CasRegisterOutput,
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

describe("operations whose outcome is unknown (a client crashed or timed out)", () => {
  const cas = casRegisterModel();
  const casInput: fc.Arbitrary<CasRegisterInput> = fc.oneof(
    fc.constant({ kind: "read" as const }),
    fc.integer({ min: 0, max: 2 }).map((value) => ({ kind: "write" as const, value })),
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map(([from, to]) => ({ kind: "cas" as const, from, to })),
  );
  const casCorrupt = (wrong: number, input: CasRegisterInput): CasRegisterOutput => (input.kind === "read" ? (wrong === 3 ? null : wrong) : input.kind === "cas" ? wrong % 2 === 0 : undefined);

  it("agree with the brute-force definition (placed anywhere after the call, or not at all) on compare-and-set registers", () => {
    const arb = historyArb(cas, casInput, casCorrupt, { clients: 3, opsMax: 7, corruptRate: 0.2, unknownRate: 0.25 });
    let withUnknown = 0;
    let rejected = 0;
    fc.assert(
      fc.property(arb, (history) => {
        const result = checkLinearizable(cas, history);
        expect(result.ok).toBe(bruteForceLinearizable(cas, history));
        if (result.ok === true) expect(isValidLinearization(cas, history, result.order)).toBe(true);
        if (history.some((o) => o.unknown === true)) withUnknown++;
        if (result.ok === false) rejected++;
      }),
      { numRuns: 400 },
    );
    expect(withUnknown).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(10);
  });

  it("agree with the brute-force definition on key-value histories, partitioned per key", () => {
    const arb = historyArb(kv, kvInput, (wrong, input) => (input.kind === "get" ? (wrong === 3 ? null : `v${wrong}`) : undefined) as KvOutput, { clients: 3, opsMax: 7, corruptRate: 0.2, unknownRate: 0.3 });
    fc.assert(
      fc.property(arb, (history) => {
        const result = checkLinearizable(kv, history);
        expect(result.ok).toBe(bruteForceLinearizable(kv, history));
        if (result.ok === true) expect(isValidLinearization(kv, history, result.order)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("may have taken effect: a crashed write explains a later read of its value", () => {
    const history = [
      { ...op(1, { kind: "write", value: 7 } as CasRegisterInput, undefined as CasRegisterOutput, 0, Number.POSITIVE_INFINITY), unknown: true },
      op(2, { kind: "read" } as CasRegisterInput, 7 as CasRegisterOutput, 5, 6),
      op(2, { kind: "read" } as CasRegisterInput, 7 as CasRegisterOutput, 8, 9),
    ];
    expect(checkLinearizable(cas, history).ok).toBe(true);
    // Called after the read returned, the write cannot explain it.
    expect(checkLinearizable(cas, history.map((o, i) => (i === 0 ? { ...o, call: 7 } : o))).ok).toBe(false);
  });

  it("may not have taken effect: a crashed write need not be seen, but cannot be seen and then unseen", () => {
    const crashed = { ...op(1, { kind: "write", value: 7 } as CasRegisterInput, undefined as CasRegisterOutput, 0, 0), unknown: true };
    expect(checkLinearizable(cas, [crashed, op(2, { kind: "read" } as CasRegisterInput, null, 5, 6)]).ok).toBe(true);
    const seenThenUnseen = [crashed, op(2, { kind: "read" } as CasRegisterInput, 7, 5, 6), op(2, { kind: "read" } as CasRegisterInput, null, 8, 9)];
    expect(checkLinearizable(cas, seenThenUnseen).ok).toBe(false);
  });

  it("are refused, with a typed error, by a model that cannot say what they do", () => {
    const noApply = { ...register, apply: undefined };
    const history = [{ ...op(1, { kind: "put", value: 1 } as RegisterInput<number | undefined>, undefined, 0, 1), unknown: true }];
    expect(() => checkLinearizable(noApply, history)).toThrow(expect.objectContaining({ code: "LIN_BAD_HISTORY" }));
  });
});

describe("checkLinearizable verdicts", () => {
  it("refuses a history it cannot read with a typed error naming the operation", () => {
    expect(() => checkLinearizable(register, [op(1, { kind: "get" } as RegisterInput<number | undefined>, 0, 5, 4)])).toThrow(/operation 0 returns before it is called/);
    expect(() => checkLinearizable(register, [op(1, { kind: "get" } as RegisterInput<number | undefined>, 0, Number.NaN, 4)])).toThrow(expect.objectContaining({ code: "LIN_BAD_HISTORY" }));
  });

  it("treats keys that are prototype property names as plain keys", () => {
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty", ""]) {
      const history = [
        op(1, { kind: "put", key, value: "v1" } as KvInput, undefined as KvOutput, 0, 1),
        op(2, { kind: "get", key } as KvInput, "v1" as KvOutput, 2, 3),
        op(2, { kind: "get", key: "other" } as KvInput, null as KvOutput, 4, 5),
      ];
      expect(checkLinearizable(kv, history).ok).toBe(true);
      expect(checkLinearizable({ ...kv, partition: undefined }, history).ok).toBe(true);
      expect(checkLinearizable(kv, history.map((o, i) => (i === 1 ? { ...o, output: null } : o))).ok).toBe(false);
    }
  });

  it("compares register values by value: Infinity and NaN are not null, bigints work, equal objects are equal", () => {
    const reg = registerModel<unknown>(0);
    const readAfter = (value: unknown, seen: unknown) => checkLinearizable(reg, [op(1, { kind: "put", value } as RegisterInput<unknown>, undefined, 0, 1), op(2, { kind: "get" } as RegisterInput<unknown>, seen, 2, 3)]).ok;
    expect(readAfter(Number.POSITIVE_INFINITY, null)).toBe(false);
    expect(readAfter(Number.NaN, null)).toBe(false);
    expect(readAfter(Number.NaN, Number.NaN)).toBe(true);
    expect(readAfter(-0, 0)).toBe(true);
    expect(readAfter(1n, 1n)).toBe(true);
    expect(readAfter(1n, 2n)).toBe(false);
    expect(readAfter("1", 1)).toBe(false);
    expect(readAfter({ a: [1] }, { a: [1] })).toBe(true);
    expect(readAfter({ a: [1] }, { a: [2] })).toBe(false);
  });

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
