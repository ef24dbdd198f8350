// Mutant: sizes the rows ⌈1/ε⌉ wide, forgetting the factor e, so each row collides e times as often as the bound assumes.
import { hashString, Rng } from "../../../src/sim/index.js";

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
    this.width = Math.ceil(1 / options.epsilon);
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
