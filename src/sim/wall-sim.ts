import type { Clock } from "./clock.js";
import type { Simulation, Timer } from "./simulation.js";

/** The slice of `Simulation` that runs on either clock: the storage runtimes take this. */
export type Scheduler = Pick<Simulation, "now" | "schedule" | "sleep" | "track">;

/**
 * The platform's one wall-clock scheduler: the `Scheduler` slice of `Simulation` (`now`,
 * `schedule`, `sleep`, `track`), on wall time for the server. With it, a Durable Object call from Sydney to an
 * object in London really takes the modelled ~250 ms in `npm start`, so the latency that the
 * simulation reports can be felt in a browser.
 */
export class WallSim implements Scheduler {
  readonly #clock: Clock;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock.nowMs();
  }

  schedule(delayMs: number, fn: () => void, _label?: string): Timer {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, Math.max(0, delayMs));
    this.#timers.add(timer);
    return { cancel: () => void (clearTimeout(timer), this.#timers.delete(timer)) };
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.schedule(delayMs, resolve));
  }

  track<T>(promise: Promise<T>): Promise<T> {
    return promise;
  }

  /** Cancels every pending timer (server shutdown). */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
