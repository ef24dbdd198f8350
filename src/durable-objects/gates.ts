import { EdgeError, assert } from "../core/errors.js";

/**
 * The input gate of one object instance ("Durable Objects: Easy, Fast, Correct — Choose
 * three", Cloudflare blog, 2021). While any lock is held (a storage operation in flight, a
 * `blockConcurrencyWhile` callback, a transaction, the constructor) no new event is delivered.
 *
 * Events are delivered one per macrotask (see `ObjectHost`), never from inside a promise
 * continuation. So when a storage operation settles and its lock is released, the code that
 * awaited it runs (with all its microtasks) before any new event can be delivered, which is
 * what makes `v = await get(k); await put(k, v + 1)` atomic. An await on anything that is not
 * storage holds no lock, and other events interleave there: that is the documented way to lose
 * an update on Cloudflare, and the simulator reproduces it.
 */
export class InputGate {
  #locks = 0;
  readonly #onOpen: () => void;

  constructor(onOpen: () => void) {
    this.#onOpen = onOpen;
  }

  get isOpen(): boolean {
    return this.#locks === 0;
  }

  /** Closes the gate until the returned function is called (once). */
  lock(): () => void {
    this.#locks++;
    let released = false;
    return () => {
      assert(!released, "an input gate lock is released once");
      released = true;
      this.#locks--;
      if (this.#locks === 0) this.#onOpen();
    };
  }

  /** Runs `fn` with the gate closed, reopening it however `fn` ends. */
  async whileLocked<T>(fn: () => Promise<T>): Promise<T> {
    const release = this.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * The output gate: a response (or RPC result) leaves the object only once every write issued
 * before it is durable, so no client ever sees a result the storage could still lose. Writes
 * need not be awaited by the object's code for this to hold.
 */
export class OutputGate {
  readonly #pending = new Set<Promise<unknown>>();

  /** Tracks a write until it settles. */
  track(write: Promise<unknown>): void {
    this.#pending.add(write);
    const done = (): void => void this.#pending.delete(write);
    write.then(done, done);
  }

  get pendingWrites(): number {
    return this.#pending.size;
  }

  // ANCHOR: output-gate
  /** Resolves when all writes issued so far are durable; rejects if any of them failed. */
  async waitForWrites(): Promise<void> {
    const results = await Promise.allSettled([...this.#pending]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) {
      const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      throw new EdgeError("DO_OUTPUT_GATE_BROKEN", 500, `a write before this response failed, so it is withheld: ${reason}`);
    }
  }
  // ANCHOR_END: output-gate
}
