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
import { hashString, Rng } from "../../src/sim/index.js";

export interface CountMinOptions {
  /** Additive error as a fraction of the stream total, in (0, 1). */
  epsilon: number;
  /** Probability that one estimate breaks that bound, in (0, 1). */
  delta: number;
  seed: number;
}

export class CountMin {
  readonly width: number;
  readonly depth: number;
  readonly #rowSeeds: number[];
  readonly #rows: Float64Array[];

  constructor(options: CountMinOptions) {
    // The error of one row is ≤ εN with probability ≥ 1 − 1/e (Markov: the expected collision
    // mass is N/width = εN/e); d independent rows all fail with probability e^−d = δ.
    this.width = Math.ceil(Math.E / options.epsilon);
    this.depth = Math.ceil(Math.log(1 / options.delta));
    const rng = new Rng(options.seed);
    // One seed per row: rows hashed alike would collide alike, and the minimum would gain nothing.
    this.#rowSeeds = Array.from({ length: this.depth }, () => rng.nextU32());
    this.#rows = this.#rowSeeds.map(() => new Float64Array(this.width));
  }

  add(key: string, count = 1): void {
    for (let r = 0; r < this.depth; r++) (this.#rows[r] as Float64Array)[this.#cell(r, key)] += count;
  }

  estimate(key: string): number {
    // Every cell holds the key's count plus other keys' counts, never less: the smallest cell is
    // the tightest upper bound.
    let min = Infinity;
    for (let r = 0; r < this.depth; r++) min = Math.min(min, (this.#rows[r] as Float64Array)[this.#cell(r, key)] as number);
    return min;
  }

  #cell(row: number, key: string): number {
    return hashString(key, this.#rowSeeds[row]) % this.width;
  }
}

export interface Counted {
  readonly key: string;
  /** An upper bound on the key's true count. */
  readonly count: number;
}

export class SpaceSaving {
  readonly #counts = new Map<string, number>();

  constructor(readonly capacity: number) {}

  add(key: string): void {
    const count = this.#counts.get(key);
    if (count !== undefined) {
      this.#counts.set(key, count + 1);
      return;
    }
    if (this.#counts.size < this.capacity) {
      this.#counts.set(key, 1);
      return;
    }
    let minKey = "";
    let min = Infinity;
    for (const [k, c] of this.#counts) if (c < min) [minKey, min] = [k, c];
    this.#counts.delete(minKey);
    // Inherit min + 1, not 1: the newcomer may have been counted and evicted before, and
    // starting over would let a heavy hitter that arrives in bursts stay invisible.
    this.#counts.set(key, min + 1);
  }

  top(k: number): Counted[] {
    return [...this.#counts.entries()]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, k);
  }
}
