/**
 * The set of operations linearized so far, with an incrementally maintained 64-bit hash
 * (two xor-ed 32-bit halves of a per-id mix), so the memo table can bucket sets in O(1)
 * and compare words only on a bucket hit, as Porcupine does.
 */
export class Bitset {
  readonly words: Uint32Array;
  #hashLo = 0;
  #hashHi = 0;

  constructor(size: number, words?: Uint32Array, hashLo = 0, hashHi = 0) {
    this.words = words ?? new Uint32Array(Math.ceil(size / 32));
    this.#hashLo = hashLo;
    this.#hashHi = hashHi;
  }

  has(id: number): boolean {
    return ((this.words[id >>> 5] as number) & (1 << (id & 31))) !== 0;
  }

  set(id: number): this {
    if (!this.has(id)) this.#toggle(id);
    return this;
  }

  clear(id: number): this {
    if (this.has(id)) this.#toggle(id);
    return this;
  }

  clone(): Bitset {
    return new Bitset(0, this.words.slice(), this.#hashLo, this.#hashHi);
  }

  /** A 32-bit hash of the set, maintained as ids come and go. */
  get code(): number {
    return (this.#hashLo ^ Math.imul(this.#hashHi, 0x9e3779b1)) | 0;
  }

  equals(other: Bitset): boolean {
    if (other.words.length !== this.words.length) return false;
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other.words[i]) return false;
    return true;
  }

  #toggle(id: number): void {
    this.words[id >>> 5] = ((this.words[id >>> 5] as number) ^ (1 << (id & 31))) >>> 0;
    this.#hashLo = (this.#hashLo ^ mix(id, 0x9e3779b9)) >>> 0;
    this.#hashHi = (this.#hashHi ^ mix(id, 0x85ebca6b)) >>> 0;
  }
}

function mix(id: number, salt: number): number {
  let z = (Math.imul(id + 1, 0x27d4eb2d) ^ salt) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
