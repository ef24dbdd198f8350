import type ivm from "isolated-vm";
import { CPU_WATCHDOG_INTERVAL_MS } from "./limits.js";

interface Watch {
  isolate: ivm.Isolate;
  startNs: bigint;
  budgetNs: bigint;
  lastNs: bigint;
  onExceeded: () => void;
  /** For background watches: called when the isolate has gone quiet, ending the watch. */
  onIdle?: () => void;
  quietSamples: number;
  overSamples: number;
}

/**
 * Samples over budget before the isolate is killed. isolated-vm reports wall time for the
 * slice that is running at the moment of the read (it reads the thread CPU clock only when a
 * slice ends), so on a CPU-starved host a preempted short task can look over budget; a real
 * runaway is still over budget one sample later.
 */
const OVER_SAMPLES_TO_KILL = 2;

/**
 * Samples without CPU growth before a background watch ends. More than one, because the
 * reply that resumes the isolate may reach its thread a few milliseconds after the watch
 * starts on a loaded machine; a spin that starts later still meets the next request's watch.
 */
const QUIET_SAMPLES_TO_IDLE = 5;

/**
 * Enforces CPU budgets by sampling `isolate.cpuTime`, which counts only time on the CPU, so
 * waiting for I/O is free, and microtasks that run after a host call returns are counted
 * like any other code. `timeout` on `apply` could not do this: it bounds the wall time of the
 * synchronous part only. The sampling timer is a real-time measurement device (it must
 * observe real CPU use), not simulation logic, so it does not go through `Clock`.
 */
class CpuWatchdog {
  readonly #watches = new Set<Watch>();
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Starts watching; the returned function stops and reports CPU nanoseconds used so far. */
  watch(isolate: ivm.Isolate, budgetNs: bigint, onExceeded: () => void): () => bigint {
    const startNs = isolate.cpuTime;
    const w: Watch = { isolate, startNs, budgetNs, lastNs: startNs, onExceeded, quietSamples: 0, overSamples: 0 };
    this.#watches.add(w);
    this.#ensureTimer();
    return () => {
      this.#read(w);
      this.#watches.delete(w);
      this.#stopTimerIfIdle();
      return w.lastNs - w.startNs;
    };
  }

  /**
   * Watches code that runs outside any request, e.g. the continuation of a promise the worker
   * did not await, which resumes when a host call it started completes. The watch ends when
   * a sample shows no CPU used since the previous one.
   */
  watchUntilIdle(isolate: ivm.Isolate, budgetNs: bigint, onExceeded: () => void, onIdle: () => void): void {
    const startNs = isolate.cpuTime;
    this.#watches.add({ isolate, startNs, budgetNs, lastNs: startNs, onExceeded, onIdle, quietSamples: 0, overSamples: 0 });
    this.#ensureTimer();
  }

  #ensureTimer(): void {
    if (this.#timer === null) {
      this.#timer = setInterval(() => this.#sample(), CPU_WATCHDOG_INTERVAL_MS);
      this.#timer.unref();
    }
  }

  #stopTimerIfIdle(): void {
    if (this.#watches.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #read(w: Watch): void {
    if (!w.isolate.isDisposed) w.lastNs = w.isolate.cpuTime;
  }

  #sample(): void {
    for (const w of this.#watches) {
      const previousNs = w.lastNs;
      this.#read(w);
      w.overSamples = w.lastNs - w.startNs > w.budgetNs ? w.overSamples + 1 : 0;
      if (w.overSamples >= OVER_SAMPLES_TO_KILL) {
        this.#watches.delete(w);
        w.onIdle?.();
        w.onExceeded();
      } else if (w.onIdle !== undefined) {
        w.quietSamples = w.lastNs === previousNs ? w.quietSamples + 1 : 0;
        if (w.quietSamples >= QUIET_SAMPLES_TO_IDLE || w.isolate.isDisposed) {
          this.#watches.delete(w);
          w.onIdle();
        }
      }
    }
    this.#stopTimerIfIdle();
  }
}

/** One watchdog per process: a single timer serves every isolate. */
export const cpuWatchdog = new CpuWatchdog();
