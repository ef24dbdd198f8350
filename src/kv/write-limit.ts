import { EdgeError } from "../core/errors.js";
import { KV_WRITES_PER_KEY_INTERVAL_MS } from "./limits.js";

/** The fewest writes between two sweeps of forgotten write times. */
const SWEEP_OPS_MIN = 1024;

/**
 * Cloudflare's "1 write per second to the same key", for one namespace. Writes land in the
 * central store, so the limit holds across PoPs: a write from Tokyo 500 ms after one from
 * London gets 429 as well. A write time is forgotten once it can no longer refuse a write,
 * swept after as many writes as the times the previous sweep kept (amortised O(1), memory
 * bounded by the keys written in the last second plus that many).
 */
export class WriteLimit {
  readonly #lastWriteMs = new Map<string, number>();
  #opsSinceSweep = 0;
  #sweepAfterOps = SWEEP_OPS_MIN;

  /** Throws KV_RATE_LIMITED (429) when `key` was written less than a second before `nowMs`. */
  check(key: string, nowMs: number, pop: string): void {
    const lastMs = this.#lastWriteMs.get(key);
    if (lastMs !== undefined && nowMs - lastMs < KV_WRITES_PER_KEY_INTERVAL_MS) {
      const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
      throw new EdgeError("KV_RATE_LIMITED", 429, `key "${shown}" was written ${Math.round(nowMs - lastMs)} ms before this write from ${pop}; the limit is 1 write per ${KV_WRITES_PER_KEY_INTERVAL_MS} ms per key`);
    }
  }

  record(key: string, nowMs: number): void {
    if (++this.#opsSinceSweep >= this.#sweepAfterOps) this.#sweep(nowMs);
    this.#lastWriteMs.set(key, nowMs);
  }

  get size(): number {
    return this.#lastWriteMs.size;
  }

  #sweep(nowMs: number): void {
    this.#opsSinceSweep = 0;
    for (const [key, atMs] of this.#lastWriteMs) if (nowMs - atMs >= KV_WRITES_PER_KEY_INTERVAL_MS) this.#lastWriteMs.delete(key);
    this.#sweepAfterOps = Math.max(SWEEP_OPS_MIN, this.#lastWriteMs.size);
  }
}
