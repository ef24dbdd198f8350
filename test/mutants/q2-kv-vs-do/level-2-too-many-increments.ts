// Mutant: "more increments, more chances": 9 rounds over all PoPs — fine for up to 5 PoPs, but 54 increments with 6 PoPs, over the 50 the suite allows. (blind)
import type { CounterInput, Operation } from "../../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

const ROUNDS = 9;
const GAP_MS = 1000;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  const out: Increment[] = [];
  let t = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const pop of pops) {
      out.push({ pop, atMs: t });
      t += GAP_MS;
    }
  }
  return out;
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

