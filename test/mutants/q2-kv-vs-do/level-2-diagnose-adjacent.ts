// Mutant: diagnose sorts by call time and blames the first adjacent pair whose count did not go up; when values jump back (1, 3, 2, 3) that pair did not return the same value. (blind)
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
  const incs = history.filter((op) => op.input.kind === "increment").slice().sort((a, b) => a.call - b.call);
  for (let i = 1; i < incs.length; i++) {
    const prev = incs[i - 1]!;
    const cur = incs[i]!;
    // A correct counter only goes up: the first step that does not is where an update was lost.
    if (cur.output <= prev.output) {
      return `lost update: client ${String(cur.clientId)} got ${cur.output} after client ${String(prev.clientId)} got ${prev.output}`;
    }
  }
  return "lost update";
}
