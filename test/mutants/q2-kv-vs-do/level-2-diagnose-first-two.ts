// Mutant: diagnose assumes the lost update is always between the first two increments of the history (true for the two-PoP demo it was written against) instead of finding two equal results. (blind)
import type { CounterInput, Operation } from "../../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;


/** Rounds of one increment per PoP, a second apart: round 2 reads copies cached in round 1. */
const ROUNDS = 3;
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
  const incs = history.filter((op) => op.input.kind === "increment");
  const [a, b] = incs;
  if (a === undefined || b === undefined) return "lost update";
  return `lost update: clients ${String(a.clientId)} and ${String(b.clientId)} both read the same count and returned ${b.output}`;
}
