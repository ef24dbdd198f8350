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
// Hints: `npm run kata -- hint q2/2`. Grade: `npm run kata -- check q2/2`.
import { NotImplemented } from "../../src/kata/not-implemented.js";
import type { CounterInput, Operation } from "../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  // TODO: choose increments whose history no sequential counter could produce.
  throw new NotImplemented("lostUpdateScenario");
}

export function diagnose(history: readonly CounterOperation[]): string {
  // TODO: say "lost update" and name two clients that returned the same value.
  throw new NotImplemented("diagnose");
}
