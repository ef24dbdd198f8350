// Mutant: the scenario is right but the diagnosis only repeats "not linearizable", naming neither the anomaly nor the clients.
import type { CounterInput, Operation } from "../../../src/lin/index.js";
export interface Increment { pop: string; atMs: number }
export type CounterOperation = Operation<CounterInput, number>;
export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  return [{ pop: pops[0] as string, atMs: 0 }, { pop: pops[1] as string, atMs: 1_500 }, { pop: pops[0] as string, atMs: 3_000 }];
}
export function diagnose(history: readonly CounterOperation[]): string {
  return `not linearizable (${history.length} operations)`;
}
