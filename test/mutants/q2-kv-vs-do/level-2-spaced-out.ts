// Mutant: increments from two PoPs but 3 minutes apart, after every cached copy (cacheTtl 30 s) has timed out, so each reads the latest count and nothing is lost.
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
  return pops.slice(0, 2).map((pop, i) => ({ pop, atMs: i * 180_000 }));
}
