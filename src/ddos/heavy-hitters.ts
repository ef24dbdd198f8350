import { assert, EdgeError } from "../core/errors.js";
import { hashString, type Rng } from "../sim/rng.js";

// Bounds memory for a per-PoP sketch: 16 Mi counters of 8 bytes is 128 MiB.
export const COUNT_MIN_CELLS_MAX = 1 << 24;
// Bounds the memo of hashed keys per sketch: 1024 keys of a few dozen bytes each.
const CELL_MEMO_KEYS_MAX = 1024;

export interface CountMinOptions {
  /** Additive error as a fraction of the stream total N. */
  epsilon: number;
  /** Probability that one estimate exceeds the error bound. */
  delta: number;
  /** Seeds one hash function per row. */
  rng: Rng;
}

/**
 * Count-min sketch (Cormode & Muthukrishnan 2005): width ⌈e/ε⌉ and depth ⌈ln 1/δ⌉ give
 * estimate ≤ true + εN with probability 1 − δ. Every row only ever adds, so the minimum over
 * rows is never below the true count.
 */
export class CountMinSketch {
  readonly width: number;
  readonly depth: number;
  readonly #seeds: number[];
  // Allocated on the first `add`: a per-PoP detector that never sees a packet costs no counters.
  #rows: Float64Array[] | undefined;
  // Cells that went from zero to non-zero since the last reset (row * width + column), so that
  // resetting a sparse window (a few hundred packets at one PoP) zeroes only those cells.
  #touched: Int32Array | undefined;
  #touchedCount = 0;
  // Each key's cells, so that a key seen again (a detector sees the same few signatures all
  // the time) is not hashed `depth` times per `add` and again per `estimate`.
  readonly #cellsByKey = new Map<string, Int32Array>();
  #total = 0;

  constructor(options: CountMinOptions) {
    const { epsilon, delta } = options;
    if (!(epsilon > 0 && epsilon < 1) || !(delta > 0 && delta < 1))
      throw new EdgeError("DDOS_SKETCH_PARAMS", 400, `epsilon ${epsilon} and delta ${delta} must both be in (0, 1)`);
    this.width = Math.ceil(Math.E / epsilon);
    this.depth = Math.ceil(Math.log(1 / delta));
    if (this.width * this.depth > COUNT_MIN_CELLS_MAX)
      throw new EdgeError("DDOS_SKETCH_PARAMS", 400, `${this.width * this.depth} counters exceed ${COUNT_MIN_CELLS_MAX}`);
    const rng = options.rng.fork("count-min");
    this.#seeds = Array.from({ length: this.depth }, () => rng.nextU32());
  }

  get total(): number {
    return this.#total;
  }

  // ANCHOR: count-min
  add(key: string, count = 1): void {
    assert(count >= 0, `count-min takes non-negative counts, got ${count}`);
    this.#total += count;
    const rows = (this.#rows ??= this.#seeds.map(() => new Float64Array(this.width)));
    const cells = this.#cellsOf(key);
    for (let r = 0; r < this.depth; r++) {
      const row = rows[r] as Float64Array;
      const cell = cells[r] as number;
      if (row[cell] === 0) this.#touch(r * this.width + cell);
      row[cell] += count;
    }
  }

  estimate(key: string): number {
    const rows = this.#rows;
    if (rows === undefined) return 0;
    const cells = this.#cellsOf(key);
    let min = Infinity;
    for (let r = 0; r < this.depth; r++) min = Math.min(min, (rows[r] as Float64Array)[cells[r] as number] as number);
    return min;
  }
  // ANCHOR_END: count-min

  reset(): void {
    const rows = this.#rows;
    const touched = this.#touched;
    if (rows !== undefined) {
      if (touched !== undefined && this.#touchedCount <= touched.length) {
        for (let i = 0; i < this.#touchedCount; i++) {
          const flat = touched[i] as number;
          (rows[Math.floor(flat / this.width)] as Float64Array)[flat % this.width] = 0;
        }
      } else {
        for (const row of rows) row.fill(0);
      }
    }
    this.#touchedCount = 0;
    this.#total = 0;
  }

  /** Remembers a cell leaving zero; past 1/8 of the table, filling every row is cheaper. */
  #touch(flat: number): void {
    const touched = (this.#touched ??= new Int32Array(Math.max(16, (this.width * this.depth) >>> 3)));
    if (this.#touchedCount < touched.length) touched[this.#touchedCount] = flat;
    this.#touchedCount++;
  }

  #cellsOf(key: string): Int32Array {
    let cells = this.#cellsByKey.get(key);
    if (cells === undefined) {
      cells = new Int32Array(this.depth);
      for (let r = 0; r < this.depth; r++) cells[r] = hashString(key, this.#seeds[r]) % this.width;
      if (this.#cellsByKey.size >= CELL_MEMO_KEYS_MAX) this.#cellsByKey.clear();
      this.#cellsByKey.set(key, cells);
    }
    return cells;
  }
}

export interface HeavyHitter {
  readonly key: string;
  /** Upper bound on the true count. */
  readonly count: number;
  /** How much of `count` may belong to evicted keys: true count ≥ count − error. */
  readonly error: number;
}

/**
 * Space-saving top-k (Metwally, Agrawal & El Abbadi 2005) with `capacity` counters. A new key
 * replaces the smallest counter and inherits its value + 1, not 1: the newcomer may have been
 * counted and evicted before, so starting at 1 could underestimate and miss a heavy hitter.
 */
export class SpaceSaving {
  readonly capacity: number;
  readonly #counters = new Map<string, { count: number; error: number }>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new EdgeError("DDOS_SKETCH_PARAMS", 400, `space-saving capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
  }

  add(key: string, count = 1): void {
    const counter = this.#counters.get(key);
    if (counter) {
      counter.count += count;
      return;
    }
    if (this.#counters.size < this.capacity) {
      this.#counters.set(key, { count, error: 0 });
      return;
    }
    let minKey = "";
    let min = Infinity;
    for (const [k, c] of this.#counters) if (c.count < min) [minKey, min] = [k, c.count];
    this.#counters.delete(minKey);
    this.#counters.set(key, { count: min + count, error: min });
  }

  /** Upper bound on a key's count; an untracked key has at most the smallest counter. */
  estimate(key: string): number {
    const counter = this.#counters.get(key);
    if (counter) return counter.count;
    if (this.#counters.size < this.capacity) return 0;
    let min = Infinity;
    for (const c of this.#counters.values()) min = Math.min(min, c.count);
    return min;
  }

  top(k: number = this.capacity): HeavyHitter[] {
    return [...this.#counters.entries()]
      .map(([key, c]) => ({ key, count: c.count, error: c.error }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, k);
  }

  reset(): void {
    this.#counters.clear();
  }
}
