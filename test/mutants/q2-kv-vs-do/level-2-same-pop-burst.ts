// Mutant: a burst of increments from one PoP at one instant; KV refuses the extra writes with 429 instead of losing them.
import type { CounterInput, Operation } from "../../../src/lin/index.js";
export interface Increment { pop: string; atMs: number }
export type CounterOperation = Operation<CounterInput, number>;
export function diagnose(history: readonly CounterOperation[]): string {
  const seen = new Map<number, CounterOperation>();
  for (const op of history) {
    const twin = seen.get(op.output);
    if (twin !== undefined) return `lost update: ${twin.clientId} and ${op.clientId} both returned ${op.output}`;
    seen.set(op.output, op);
  }
  return "no lost update";
}
export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  return Array.from({ length: 10 }, () => ({ pop: pops[0] as string, atMs: 0 }));
}
