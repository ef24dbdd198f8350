/**
 * The transaction's `TX` collection, with the bookkeeping that lets runs of *constant* rules
 * (rules that read only TX by name and only set TX: CRS's initialisation and paranoia-level
 * skips, about a hundred of them) be recorded once and replayed on later requests.
 *
 * A run of constant rules is a function of the TX keys it reads: recorded with the values it
 * read (before writing them itself), it is replayed wherever the same keys hold the same
 * values, by applying its writes.
 */
export interface TxRecording {
  /** The value of each key the run read before writing it (undefined: absent). */
  readonly inputs: ReadonlyMap<string, string | undefined>;
  /** The run's net writes (undefined value: deleted). */
  readonly writes: ReadonlyMap<string, string | undefined>;
}

export class TxVars extends Map<string, string> {
  #inputs: Map<string, string | undefined> | undefined;
  #writes: Map<string, string | undefined> | undefined;

  override get(key: string): string | undefined {
    const value = super.get(key);
    if (this.#inputs !== undefined && !this.#writes!.has(key) && !this.#inputs.has(key)) this.#inputs.set(key, value);
    return value;
  }

  override set(key: string, value: string): this {
    this.#writes?.set(key, value);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.#writes?.set(key, undefined);
    return super.delete(key);
  }

  /** Starts recording reads and writes. */
  record(): void {
    this.#inputs = new Map();
    this.#writes = new Map();
  }

  get recording(): boolean {
    return this.#inputs !== undefined;
  }

  /** Stops recording; returns what was recorded. */
  stopRecording(): TxRecording {
    const out = { inputs: this.#inputs ?? new Map<string, string | undefined>(), writes: this.#writes ?? new Map<string, string | undefined>() };
    this.#inputs = undefined;
    this.#writes = undefined;
    return out;
  }

  /** Applies a recorded run's writes if every key it read holds the value it read then. */
  replay(r: TxRecording): boolean {
    for (const [k, v] of r.inputs) if (super.get(k) !== v) return false;
    for (const [k, v] of r.writes) {
      if (v === undefined) super.delete(k);
      else super.set(k, v);
    }
    return true;
  }
}
