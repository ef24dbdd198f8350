// Q4 · level 4 · Heavy-hitter detection
// A PoP sees tens of millions of packets per second. To notice that one signature (one
// victim + port + flags, or one source /24) is an attack, it must count them — in fixed memory
// and at line rate, so no hash map of every key. Two classic answers:
// - a count-min sketch (Cormode & Muthukrishnan, 2005): `depth` rows of `width` counters, one
//   hash per row; add to one cell per row; estimate = the MINIMUM over rows. With
//   width ⌈e/ε⌉ and depth ⌈ln(1/δ)⌉ an estimate is never below the truth and exceeds it by more
//   than εN (N = total added) with probability at most δ;
// - space-saving (Metwally et al., 2005): `capacity` counters; a new key evicts the smallest
//   counter and inherits its count + 1. Every key whose true count exceeds N/capacity is kept,
//   and no kept count is below the truth.
//
// Implement `CountMin({ epsilon, delta, seed })` with `add(key, count = 1)`, `estimate(key)`,
// `width`, `depth`; and `SpaceSaving(capacity)` with `add(key)` and `top(k)` (largest first).
// - `width` is exactly ⌈e/ε⌉ (`Math.ceil(Math.E / epsilon)`) and `depth` exactly ⌈ln(1/δ)⌉
//   (`Math.ceil(Math.log(1 / delta))`);
// - `estimate(key)` is a number, never below the key's true count: 0 in an empty sketch, and
//   exactly the total for a key that is alone in the sketch. `count` is a positive integer up
//   to 10⁹ and beyond (packets);
// - `top(k)` returns min(k, keys tracked) entries, largest count first, ties in any order;
//   while there is a counter for every key seen, the counts are exact;
// - keys are any strings: "", "__proto__", "constructor" and non-ASCII keys count like others.
// Constraints: deterministic from `seed` (use `hashString(key, rowSeed)` and `Rng` from
// src/sim); independent hashes per row.
// Hints: `npm run kata -- hint q4/4`. Grade: `npm run kata -- check q4/4`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface CountMinOptions {
  /** Additive error as a fraction of the stream total, in (0, 1). */
  epsilon: number;
  /** Probability that one estimate breaks that bound, in (0, 1). */
  delta: number;
  seed: number;
}

export class CountMin {
  readonly width: number = 0;
  readonly depth: number = 0;

  constructor(readonly options: CountMinOptions) {
    // TODO: size the table from epsilon and delta; one hash seed per row.
  }

  add(key: string, count = 1): void {
    // TODO: add `count` to the key's cell in every row.
    throw new NotImplemented("CountMin.add");
  }

  estimate(key: string): number {
    // TODO: the best upper bound the rows give.
    throw new NotImplemented("CountMin.estimate");
  }
}

export interface Counted {
  readonly key: string;
  /** An upper bound on the key's true count. */
  readonly count: number;
}

export class SpaceSaving {
  constructor(readonly capacity: number) {}

  add(key: string): void {
    // TODO: count a tracked key; otherwise take a free counter or replace the smallest one.
    throw new NotImplemented("SpaceSaving.add");
  }

  top(k: number): Counted[] {
    // TODO: the k largest counters, largest first.
    throw new NotImplemented("SpaceSaving.top");
  }
}
