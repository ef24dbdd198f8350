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
  // The depth × width counters, cell (row r, column c) at r * width + c.
  readonly #counters: CounterTable;
  // Each key's cells, so that a key seen again (a detector sees the same few signatures all
  // the time) is not hashed `depth` times per `add` and again per `estimate`.
  // (Plain arrays of small integers: a few dozen bytes a key, where an Int32Array and its
  // ArrayBuffer take several times that, times hundreds of PoPs and keys.)
  readonly #cellsByKey = new Map<string, number[]>();
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
    this.#counters = new CounterTable(this.width * this.depth);
  }

  get total(): number {
    return this.#total;
  }

  // ANCHOR: count-min
  add(key: string, count = 1): void {
    assert(count >= 0, `count-min takes non-negative counts, got ${count}`);
    this.#total += count;
    const cells = this.#cellsOf(key);
    for (let r = 0; r < this.depth; r++) this.#counters.add(r * this.width + (cells[r] as number), count);
  }

  estimate(key: string): number {
    const cells = this.#cellsOf(key);
    let min = Infinity;
    for (let r = 0; r < this.depth; r++) min = Math.min(min, this.#counters.get(r * this.width + (cells[r] as number)));
    return min;
  }
  // ANCHOR_END: count-min

  /** `add(key, count)` then `estimate(key)`, looking the key's cells up once. */
  addAndEstimate(key: string, count = 1): number {
    // Per packet: the message is built only on failure.
    if (!(count >= 0)) assert(false, `count-min takes non-negative counts, got ${count}`);
    this.#total += count;
    const cells = this.#cellsOf(key);
    let min = Infinity;
    for (let r = 0; r < this.depth; r++) min = Math.min(min, this.#counters.add(r * this.width + (cells[r] as number), count));
    return min;
  }

  reset(): void {
    this.#counters.clear();
    this.#total = 0;
  }

  #cellsOf(key: string): readonly number[] {
    let cells = this.#cellsByKey.get(key);
    if (cells === undefined) {
      cells = new Array<number>(this.depth);
      for (let r = 0; r < this.depth; r++) cells[r] = hashString(key, this.#seeds[r]) % this.width;
      if (this.#cellsByKey.size >= CELL_MEMO_KEYS_MAX) this.#cellsByKey.clear();
      this.#cellsByKey.set(key, cells);
    }
    return cells;
  }
}

// A window at one PoP touches a few hundred counters; up to this many distinct ones stay in a
// small hash table (half full at most), beyond it the table moves to a dense array.
const SPARSE_CELLS_MAX = 512;
const SPARSE_SLOTS = 2 * SPARSE_CELLS_MAX;
const SLOT_SHIFT = 32 - Math.log2(SPARSE_SLOTS);

/**
 * `size` counters, all zero until added to; `clear` sets them all back to zero. A detector at
 * each of hundreds of PoPs keeps one sketch of thousands of counters, of which a window at a
 * PoP touches a few hundred: kept in a dense array, every touch would be a cache miss on a
 * mostly-zero array (and the arrays would cost megabytes per PoP). So the counters start in a
 * small open-addressing table (cell + 1 and value side by side, 0 meaning empty) and move to a
 * dense array, allocated on first need, only when a window touches more of them; clearing the
 * dense array zeroes only the cells that left zero, up to 1/8 of it, then the whole array.
 * Each counter receives the same additions in the same order either way, so its values do not
 * depend on where it is kept.
 */
class CounterTable {
  readonly #size: number;
  #sparse: Float64Array | undefined;
  #sparseUsed = 0;
  #dense: Float64Array | undefined;
  #denseActive = false;
  #touched: Int32Array | undefined;
  #touchedCount = 0;

  constructor(size: number) {
    this.#size = size;
  }

  get(cell: number): number {
    if (this.#denseActive) return (this.#dense as Float64Array)[cell] as number;
    const table = this.#sparse;
    if (table === undefined) return 0;
    const key = cell + 1;
    for (let slot = slotOf(cell); ; slot = (slot + 1) & (SPARSE_SLOTS - 1)) {
      const k = table[2 * slot];
      if (k === key) return table[2 * slot + 1] as number;
      if (k === 0) return 0;
    }
  }

  /** Adds `count` to the cell and returns its new value. */
  add(cell: number, count: number): number {
    if (!this.#denseActive) {
      const table = (this.#sparse ??= new Float64Array(2 * SPARSE_SLOTS));
      const key = cell + 1;
      for (let slot = slotOf(cell); ; slot = (slot + 1) & (SPARSE_SLOTS - 1)) {
        const k = table[2 * slot];
        if (k === key) return (table[2 * slot + 1] += count);
        if (k !== 0) continue;
        if (this.#sparseUsed === SPARSE_CELLS_MAX) break;
        this.#sparseUsed++;
        table[2 * slot] = key;
        table[2 * slot + 1] = 0;
        return (table[2 * slot + 1] += count);
      }
      this.#toDense();
    }
    const dense = this.#dense as Float64Array;
    if (dense[cell] === 0) this.#touch(cell);
    return (dense[cell] += count);
  }

  clear(): void {
    if (this.#sparseUsed > 0) {
      (this.#sparse as Float64Array).fill(0);
      this.#sparseUsed = 0;
    }
    if (this.#denseActive) {
      const dense = this.#dense as Float64Array;
      const touched = this.#touched as Int32Array;
      if (this.#touchedCount <= touched.length) for (let i = 0; i < this.#touchedCount; i++) dense[touched[i] as number] = 0;
      else dense.fill(0);
      this.#touchedCount = 0;
      this.#denseActive = false;
    }
  }

  /** Moves the table's counters into the dense array (all zero: fresh or cleared). */
  #toDense(): void {
    const dense = (this.#dense ??= new Float64Array(this.#size));
    const table = this.#sparse as Float64Array;
    for (let slot = 0; slot < SPARSE_SLOTS; slot++) {
      const key = table[2 * slot] as number;
      if (key === 0) continue;
      dense[key - 1] = table[2 * slot + 1] as number;
      this.#touch(key - 1);
    }
    table.fill(0);
    this.#sparseUsed = 0;
    this.#denseActive = true;
  }

  #touch(cell: number): void {
    const touched = (this.#touched ??= new Int32Array(Math.max(16, this.#size >>> 3)));
    if (this.#touchedCount < touched.length) touched[this.#touchedCount] = cell;
    this.#touchedCount++;
  }
}

function slotOf(cell: number): number {
  return Math.imul(cell + 1, 0x9e3779b1) >>> SLOT_SHIFT;
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
  // Counters live in slots: parallel arrays of keys, counts and errors, so the scan for the
  // smallest counter reads two short arrays of numbers instead of objects spread over the heap
  // (a detector runs it for most packets). `#order` stamps each slot when its key is inserted:
  // ascending stamps are the insertion order a Map of counters would iterate in.
  readonly #slotOf = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #counts: number[] = [];
  readonly #errors: number[] = [];
  readonly #order: number[] = [];
  readonly #free: number[] = [];
  #inserted = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new EdgeError("DDOS_SKETCH_PARAMS", 400, `space-saving capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
  }

  add(key: string, count = 1): void {
    const slot = this.#slotOf.get(key);
    if (slot !== undefined) {
      this.#counts[slot] += count;
      return;
    }
    if (this.#slotOf.size < this.capacity) {
      this.#insert(key, count, 0);
      return;
    }
    // The first counter, in insertion order, holding the smallest count. Counts that are not
    // below Infinity (or NaN) are never chosen; with none chosen the empty key is evicted.
    let victim = -1;
    let min = Infinity;
    for (let i = 0; i < this.#keys.length; i++) {
      if (this.#order[i] === -1) continue;
      const c = this.#counts[i] as number;
      if (c < min || (c === min && victim >= 0 && (this.#order[i] as number) < (this.#order[victim] as number))) {
        victim = i;
        min = c;
      }
    }
    const minKey = victim < 0 ? "" : (this.#keys[victim] as string);
    this.#remove(minKey);
    this.#insert(key, min + count, min);
  }

  /** Upper bound on a key's count; an untracked key has at most the smallest counter. */
  estimate(key: string): number {
    const slot = this.#slotOf.get(key);
    if (slot !== undefined) return this.#counts[slot] as number;
    if (this.#slotOf.size < this.capacity) return 0;
    let min = Infinity;
    for (let i = 0; i < this.#keys.length; i++) if (this.#order[i] !== -1) min = Math.min(min, this.#counts[i] as number);
    return min;
  }

  top(k: number = this.capacity): HeavyHitter[] {
    return [...this.#slotOf.values()]
      .sort((a, b) => (this.#order[a] as number) - (this.#order[b] as number))
      .map((i) => ({ key: this.#keys[i] as string, count: this.#counts[i] as number, error: this.#errors[i] as number }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, k);
  }

  reset(): void {
    this.#slotOf.clear();
    this.#keys.length = 0;
    this.#counts.length = 0;
    this.#errors.length = 0;
    this.#order.length = 0;
    this.#free.length = 0;
  }

  #insert(key: string, count: number, error: number): void {
    const slot = this.#free.pop() ?? this.#keys.length;
    this.#keys[slot] = key;
    this.#counts[slot] = count;
    this.#errors[slot] = error;
    this.#order[slot] = this.#inserted++;
    this.#slotOf.set(key, slot);
  }

  #remove(key: string): void {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return;
    this.#slotOf.delete(key);
    this.#order[slot] = -1;
    this.#free.push(slot);
  }
}
