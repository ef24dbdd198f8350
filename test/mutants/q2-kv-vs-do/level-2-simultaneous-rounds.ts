// Mutant: fires every PoP at the same instant each round, believing the 1 write/s limit is per PoP; KV refuses all but one write per instant (from any PoP), so the history is one PoP counting alone. (blind)
import type { CounterInput, Operation } from "../../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

const ROUNDS = 5;
/** One write per second per key: wait a second between rounds. */
const ROUND_GAP_MS = 1000;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  const out: Increment[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // All PoPs race on the same cached count at once.
    for (const pop of pops) out.push({ pop, atMs: round * ROUND_GAP_MS });
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

