// Mutant: add(key, count) increments each cell by 1 and ignores `count`: after add("a", 5), estimate("a") is 1, below the truth 5. (blind)
import { Rng, hashString } from "../../../src/sim/index.js";

export interface CountMinOptions {
  epsilon: number;
  delta: number;
  seed: number;
}

export class CountMin {
  readonly width: number = 0;
  readonly depth: number = 0;
  readonly #rows: Float64Array[];
  readonly #seeds: number[];

  constructor(readonly options: CountMinOptions) {
    this.width = Math.ceil(Math.E / options.epsilon);
    this.depth = Math.ceil(Math.log(1 / options.delta));
    const rng = new Rng(options.seed);
    this.#seeds = [];
    this.#rows = [];
    for (let d = 0; d < this.depth; d++) {
      this.#seeds.push(rng.nextU32());
      this.#rows.push(new Float64Array(this.width));
    }
  }

  #cell(row: number, key: string): number {
    return hashString(key, this.#seeds[row] as number) % this.width;
  }

  add(key: string, count = 1): void {
    for (let d = 0; d < this.depth; d++) (this.#rows[d] as Float64Array)[this.#cell(d, key)]++;
  }

  estimate(key: string): number {
    let best = Infinity;
    for (let d = 0; d < this.depth; d++) best = Math.min(best, (this.#rows[d] as Float64Array)[this.#cell(d, key)] as number);
    return best;
  }
}

export interface Counted {
  readonly key: string;
  readonly count: number;
}

export class SpaceSaving {
  readonly #counts = new Map<string, number>();

  constructor(readonly capacity: number) {}

  add(key: string): void {
    const current = this.#counts.get(key);
    if (current !== undefined) {
      this.#counts.set(key, current + 1);
      return;
    }
    if (this.#counts.size < this.capacity) {
      this.#counts.set(key, 1);
      return;
    }
    let minKey: string | undefined;
    let min = Infinity;
    for (const [k, c] of this.#counts) {
      if (c < min) {
        min = c;
        minKey = k;
      }
    }
    if (minKey === undefined) return;
    this.#counts.delete(minKey);
    this.#counts.set(key, min + 1);
  }

  top(k: number): Counted[] {
    return [...this.#counts]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, k);
  }
}
