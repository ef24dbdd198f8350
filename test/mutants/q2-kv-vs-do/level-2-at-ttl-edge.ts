// Mutant: the stale increment fires exactly cacheTtl (30 s) after the first PoP cached the count; a copy is served only while YOUNGER than cacheTtl, so it refetches and counts correctly. (blind)
import type { CounterInput, Operation } from "../../../src/lin/index.js";

export interface Increment {
  /** The PoP whose worker runs this increment. */
  pop: string;
  /** Virtual time at which it starts. */
  atMs: number;
}

export type CounterOperation = Operation<CounterInput, number>;

/** The counter reads with cacheTtl 30 s: its copy lasts that long. */
const COUNTER_CACHE_TTL_MS = 30_000;

export function lostUpdateScenario(pops: readonly string[]): Increment[] {
  const a = pops[0]!;
  const b = pops[1] ?? pops[0]!;
  return [
    // a caches the count (its own write)...
    { pop: a, atMs: 0 },
    // ...b increments meanwhile (a second later, past the write limit)...
    { pop: b, atMs: 1000 },
    // ...and a increments again from its copy, at the last moment it is still cached.
    { pop: a, atMs: COUNTER_CACHE_TTL_MS },
  ];
}

export function diagnose(history: readonly CounterOperation[]): string {
  const byValue = new Map<number, CounterOperation>();
  for (const op of history) {
    if (op.input.kind !== "increment" || op.unknown) continue;
    const first = byValue.get(op.output);
    if (first !== undefined) {
      return `lost update: clients ${String(first.clientId)} and ${String(op.clientId)} both incremented to ${op.output}`;
    }
    byValue.set(op.output, op);
  }
  return "lost update: two increments read the same count";
}

