// Mutant: diagnose looks for two operations with the same output without checking their kind, so a read that saw a value and the increment that wrote it are blamed as a lost update.
import type { CounterInput, Operation } from "../../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  // KV answers a read from the reading PoP's cached copy for up to cacheTtl, whatever has been
  // written since. So: A increments (and keeps a copy of its write), B increments on top of
  // it (or, if B shares A's regional tier, on the tier's older "not found"), then A
  // increments again from its own copy, which does not know about B: A and B both write the
  // same number. The gaps are 1.5 s because KV refuses a second write to the key within a
  // second, from any PoP, and a refused write is not a lost one.
  const [a, b] = pops;
  if (a === undefined || b === undefined) throw new Error("a lost update needs two PoPs");
  return [
    { pop: a, atMs: 0 },
    { pop: b, atMs: 1_500 },
    { pop: a, atMs: 3_000 },
  ];
}

export function diagnose(history: readonly CounterOperation[]): string {
  // Two increments that returned the same value both read the same old count: whichever
  // landed last overwrote the other, which is exactly a lost update.
  const byOutput = new Map<number, CounterOperation>();
  for (const op of history) {
    const twin = byOutput.get(op.output);
    if (twin !== undefined) return `lost update: increments by ${twin.clientId} and ${op.clientId} both returned ${op.output}`;
    byOutput.set(op.output, op);
  }
  return "no lost update: every increment returned a different value";
}
