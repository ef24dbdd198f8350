// Mutant: each PoP increments once, a second apart, "different PoPs have different caches"; but a PoP holding no copy reads the central store, so every read is fresh and the history is linearizable. (blind)
import type { CounterInput, Operation } from "../../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

const GAP_MS = 1000;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  // Every PoP keeps its own copy; spread the increments over all of them.
  return pops.map((pop, i) => ({ pop, atMs: i * GAP_MS }));
}

export function diagnose(history: readonly CounterOperation[]): string {
  const byValue = new Map<number, CounterOperation>();
  for (const op of history) {
    if (op.input.kind !== "increment" || op.unknown) continue;
    const first = byValue.get(op.output);
    if (first !== undefined) {
      return `lost update: clients ${String(first.clientId)} and ${String(op.clientId)} both incremented to ${op.output}`;
    }
    byValue.set(op.output, op);
  }
  return "lost update: two increments read the same count";
}

