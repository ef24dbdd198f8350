import type { StateKey } from "./state-key.js";

const SLOTS_FIRST = 1 << 12;
const ENTRIES_FIRST = 1 << 12;
/** Memory a memo table may use before the search gives up as undecided. @defaultValue 256 MiB */
export const MEMO_BYTES_MAX_DEFAULT = 256 * 2 ** 20;
// Per entry, besides the set's words: code, chain link, state reference, slot share.
const ENTRY_OVERHEAD_BYTES = 24;

/**
 * The (linearized set, state) pairs a search has seen, in flat typed arrays: a chained hash
 * table whose entries keep their set's words side by side in one buffer, so remembering a
 * pair allocates nothing but the occasional doubling. (A Map of small Uint32Arrays spent more
 * time in the garbage collector than in the search.)
 */
export class MemoTable<S> {
  readonly #wordsPerSet: number;
  readonly #key: StateKey<S>;
  #slots = new Int32Array(SLOTS_FIRST);
  #next = new Int32Array(ENTRIES_FIRST);
  #codes = new Int32Array(ENTRIES_FIRST);
  #words: Uint32Array;
  readonly #states: S[] = [];
  readonly #entriesMax: number;
  #size = 0;

  constructor(wordsPerSet: number, key: StateKey<S>, bytesMax = MEMO_BYTES_MAX_DEFAULT) {
    this.#wordsPerSet = wordsPerSet;
    this.#key = key;
    this.#entriesMax = Math.max(1, Math.floor(bytesMax / (wordsPerSet * 4 + ENTRY_OVERHEAD_BYTES)));
    this.#words = new Uint32Array(ENTRIES_FIRST * wordsPerSet);
  }

  get size(): number {
    return this.#size;
  }

  /** True once the table holds as many entries as its memory bound allows. */
  get full(): boolean {
    return this.#size >= this.#entriesMax;
  }

  /**
   * Adds (words, state) unless it is there already; true when it was new. `setCode` is the
   * set's own hash, maintained incrementally by the caller. The caller stops adding once `full`.
   */
  add(words: Uint32Array, setCode: number, state: S): boolean {
    const code = (setCode ^ Math.imul(this.#key.code(state), 0x2c1b3c6d)) | 0;
    const mask = this.#slots.length - 1;
    const slot = code & mask;
    const w = this.#wordsPerSet;
    for (let e = this.#slots[slot] as number; e !== 0; e = this.#next[e - 1] as number) {
      const i = e - 1;
      if (this.#codes[i] !== code) continue;
      let equal = true;
      for (let k = 0, base = i * w; k < w; k++) {
        if (this.#words[base + k] !== words[k]) {
          equal = false;
          break;
        }
      }
      if (equal && this.#key.same(this.#states[i] as S, state)) return false;
    }
    const i = this.#size++;
    if (i === this.#codes.length) this.#growEntries();
    this.#codes[i] = code;
    this.#words.set(words, i * w);
    this.#states.push(state);
    this.#next[i] = this.#slots[slot] as number;
    this.#slots[slot] = i + 1;
    if (this.#size > this.#slots.length) this.#rehash();
    return true;
  }

  #growEntries(): void {
    const n = this.#codes.length * 2;
    const grow = <T extends Int32Array | Uint32Array>(old: T, length: number): T => {
      const bigger = new (old.constructor as new (n: number) => T)(length);
      bigger.set(old);
      return bigger;
    };
    this.#codes = grow(this.#codes, n);
    this.#next = grow(this.#next, n);
    this.#words = grow(this.#words, n * this.#wordsPerSet);
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#codes[i] as number) & mask;
      this.#next[i] = slots[slot] as number;
      slots[slot] = i + 1;
    }
    this.#slots = slots;
  }
}
