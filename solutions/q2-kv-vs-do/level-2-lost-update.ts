// Q2 · level 2 · Prove the lost update
// A teammate counts page views in KV: `n = await kv.get(k); await kv.put(k, n + 1)`. "KV is
// eventually consistent, so the count is eventually right", they say. Prove them wrong with
// a history a linearizability checker rejects.
//
// Implement two functions:
//   (a) `lostUpdateScenario(pops)`: the increments to fire, each `{ pop, atMs }`, at most 50,
//       all within 10 minutes. The suite runs them against that KV counter on seeded worlds
//       (random propagation delays), records the history and runs `checkLinearizable` with
//       `counterModel()`. It must find a violation on EVERY world.
//   (b) `diagnose(history)`: given a history the checker rejected, name the anomaly in one
//       line: it must say "lost update" and name two clients whose increments returned the
//       same value (their clientIds appear in the history).
// Constraints: KV accepts at most one write per second per key at a PoP (429 otherwise; the
// suite drops failed increments from the history). A PoP reads its own writes at once.
import type { CounterInput, Operation } from "../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  // Two PoPs at the same instant: each reads its own copy before the other's write can
  // arrive (propagation takes up to 60 s), so both write n + 1. One PoP alone would never
  // lose: it reads its own writes, and its second write within 1 s is refused, not lost.
  const [a, b] = pops;
  if (a === undefined || b === undefined) throw new Error("a lost update needs two PoPs");
  return [
    { pop: a, atMs: 0 },
    { pop: b, atMs: 0 },
    // A later increment from the second PoP inside the propagation window shows the damage
    // outlives the race: it builds on the stale copy too.
    { pop: b, atMs: 5_000 },
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
