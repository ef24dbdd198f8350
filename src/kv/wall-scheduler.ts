import type { Scheduler } from "./scheduler.js";

/**
 * The server's scheduler: real timers. This file is the only place in src/kv that calls
 * `setTimeout`; everything else takes a `Scheduler` so simulations replay exactly.
 * Timers are unref'd so pending propagation never keeps a process alive, and `close()`
 * cancels them all (a server calls it on shutdown).
 */
export class WallScheduler implements Scheduler {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  schedule(delayMs: number, fn: () => void, _label?: string): { cancel(): void } {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, Math.max(0, delayMs));
    timer.unref();
    this.#timers.add(timer);
    return { cancel: (): void => void (clearTimeout(timer), this.#timers.delete(timer)) };
  }

  get pending(): number {
    return this.#timers.size;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
