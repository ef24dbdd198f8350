/**
 * The transaction's `TX` collection, with the bookkeeping that lets runs of *constant* rules
 * (rules that read only TX and only set TX: CRS's initialisation and paranoia-level skips,
 * about a hundred of them) be recorded once and replayed on later requests.
 *
 * A run recorded on a request where no request-dependent rule had written TX yet is valid on
 * any later request at the same step as long as it read no key that request-dependent rules
 * have written since ("tainted" keys): its reads then see the recorded values, so it takes the
 * same path and makes the same writes.
 */
export class TxVars extends Map<string, string> {
  /** Keys written by rules whose outcome may depend on the request. */
  readonly tainted = new Set<string>();
  /** While recording: keys read, keys written (undefined value: deleted). */
  reads: Set<string> | undefined;
  writes: Map<string, string | undefined> | undefined;
  /** Some read enumerated the collection (a regex selector): depends on every key. */
  readAll = false;
  /** Writes taint their keys (set for every rule run outside a pristine recording). */
  tainting = false;

  override get(key: string): string | undefined {
    this.reads?.add(key);
    return super.get(key);
  }

  override set(key: string, value: string): this {
    this.writes?.set(key, value);
    if (this.tainting) this.tainted.add(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.writes?.set(key, undefined);
    if (this.tainting) this.tainted.add(key);
    return super.delete(key);
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    this.readAll = true;
    return super[Symbol.iterator]();
  }

  override entries(): MapIterator<[string, string]> {
    this.readAll = true;
    return super.entries();
  }

  /** Starts recording reads and writes. */
  record(): void {
    this.reads = new Set();
    this.writes = new Map();
    this.readAll = false;
  }

  /** Stops recording; returns what was recorded. */
  stopRecording(): { reads: ReadonlySet<string>; writes: ReadonlyMap<string, string | undefined>; readAll: boolean } {
    const out = { reads: this.reads ?? new Set<string>(), writes: this.writes ?? new Map<string, string | undefined>(), readAll: this.readAll };
    this.reads = undefined;
    this.writes = undefined;
    this.readAll = false;
    return out;
  }

  /** True when a recorded run read nothing that has been tainted since. */
  replayable(reads: ReadonlySet<string>, readAll: boolean): boolean {
    if (this.tainted.size === 0) return true;
    if (readAll) return false;
    for (const k of reads) if (this.tainted.has(k)) return false;
    return true;
  }

  /** Applies a recorded run's writes (without recording or tainting). */
  replay(writes: ReadonlyMap<string, string | undefined>): void {
    for (const [k, v] of writes) {
      if (v === undefined) super.delete(k);
      else super.set(k, v);
    }
  }
}
