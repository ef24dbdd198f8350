// Q2 · level 2 · Prove the lost update
// A teammate counts page views in KV: `n = await kv.get(k); await kv.put(k, n + 1)`. "KV is
// eventually consistent, so the count is eventually right", they say. Prove them wrong with
// a history a linearizability checker rejects.
//
// Implement two functions:
//   (a) `lostUpdateScenario(pops)`: the increments to fire, each `{ pop, atMs }`, at most 50,
//       all within 10 minutes. The suite runs them against that KV counter on seeded worlds
//       (any 2 to 6 big PoPs, in any order), records the history and runs `checkLinearizable`
//       with `counterModel()`. It must find a violation on EVERY world.
//   (b) `diagnose(history)`: given a history the checker rejected, name the anomaly in one
//       line: it must say "lost update" and name two clients whose increments returned the
//       same value (their clientIds appear in the history).
// Constraints: KV accepts at most one write per second per key, from all PoPs together (429
// otherwise; the suite drops refused increments from the history). A read is answered from the
// PoP's cache (or its regional tier's) while the copy is younger than cacheTtl (the counter
// reads with 30 s); a write is not pushed anywhere. KV calls take no simulated time.
import type { CounterInput, Operation } from "../../src/lin/index.js";

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
    if (op.input.kind !== "increment") continue;
    const twin = byOutput.get(op.output);
    if (twin !== undefined) return `lost update: increments by ${twin.clientId} and ${op.clientId} both returned ${op.output}`;
    byOutput.set(op.output, op);
  }
  return "no lost update: every increment returned a different value";
}
