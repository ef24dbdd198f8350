// Mutant: keeps the counters in a plain object and tests membership with `in`, so a key named "constructor" or "toString" is treated as already tracked (Object.prototype) and its count becomes NaN/garbage; "__proto__" is never stored. (blind)
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
    for (let d = 0; d < this.depth; d++) (this.#rows[d] as Float64Array)[this.#cell(d, key)] += count;
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
  #counts: Record<string, number> = {};
  #size = 0;

  constructor(readonly capacity: number) {}

  add(key: string): void {
    if (key in this.#counts) {
      this.#counts[key] = (this.#counts[key] as number) + 1;
      return;
    }
    if (this.#size < this.capacity) {
      this.#counts[key] = 1;
      this.#size++;
      return;
    }
    let minKey: string | undefined;
    let min = Infinity;
    for (const [k, c] of Object.entries(this.#counts)) {
      if (c < min) {
        min = c;
        minKey = k;
      }
    }
    if (minKey === undefined) return;
    delete this.#counts[minKey];
    this.#counts[key] = min + 1;
  }

  top(k: number): Counted[] {
    return Object.entries(this.#counts)
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, k);
  }
}
