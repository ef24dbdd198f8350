// Mutant: every increment comes from one PoP, a second apart; the PoP usually reads its own writes, so that history is usually linearizable.
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
  return [0, 1_000, 2_000, 3_000].map((atMs) => ({ pop: pops[0] as string, atMs }));
}
