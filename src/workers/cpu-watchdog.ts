import type ivm from "isolated-vm";
import { CPU_WATCHDOG_INTERVAL_MS } from "./limits.js";

interface Watch {
  isolate: ivm.Isolate;
  budgetNs: bigint;
  /** CPU charged to this watch: its share of the isolate's CPU while it was in flight. */
  usedNs: bigint;
  onExceeded: () => void;
  /** For background watches: called when the isolate has gone quiet, ending the watch. */
  onIdle?: () => void;
  quietSamples: number;
  overSamples: number;
}

/** Per isolate: the last CPU reading, when it was taken, and the current busy streak. */
interface IsolateReading {
  cpuNs: bigint;
  wallNs: bigint;
  /** CPU used in consecutive samples during which the isolate was busy nearly all the time. */
  streakNs: bigint;
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
  readonly #readings = new Map<ivm.Isolate, IsolateReading>();
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Starts watching; the returned function stops and reports CPU nanoseconds charged. */
  watch(isolate: ivm.Isolate, budgetNs: bigint, onExceeded: () => void): () => bigint {
    const w: Watch = { isolate, budgetNs, usedNs: 0n, onExceeded, quietSamples: 0, overSamples: 0 };
    this.#add(w);
    return () => {
      this.#settle(isolate);
      // A request finished, so the isolate was not stuck: a burst of queued requests that
      // keeps it busy is not a runaway.
      const reading = this.#readings.get(isolate);
      if (reading) reading.streakNs = 0n;
      this.#remove(w);
      return w.usedNs;
    };
  }

  /**
   * Watches code that runs outside any request, e.g. the continuation of a promise the worker
   * did not await, which resumes when a host call it started completes. The watch ends when
   * a sample shows no CPU used since the previous one.
   */
  watchUntilIdle(isolate: ivm.Isolate, budgetNs: bigint, onExceeded: () => void, onIdle: () => void): void {
    this.#add({ isolate, budgetNs, usedNs: 0n, onExceeded, onIdle, quietSamples: 0, overSamples: 0 });
  }

  #add(w: Watch): void {
    // CPU used before this watch began belongs to the watches already in flight.
    this.#settle(w.isolate);
    this.#watches.add(w);
    this.#ensureTimer();
  }

  #remove(w: Watch): void {
    this.#watches.delete(w);
    if (![...this.#watches].some((other) => other.isolate === w.isolate)) this.#readings.delete(w.isolate);
    this.#stopTimerIfIdle();
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

  /**
   * Reads the isolate's CPU once and shares what it used since the last reading equally among
   * the watches in flight on it. One isolate serves concurrent requests, and the host cannot
   * tell whose promise continuation ran, so charging each of them the isolate's whole CPU (as
   * a per-watch reading would) bills N concurrent hello-worlds N times over.
   */
  #settle(isolate: ivm.Isolate): { deltaNs: bigint; busy: boolean } {
    const nowCpu = isolate.isDisposed ? undefined : isolate.cpuTime;
    const nowWall = process.hrtime.bigint();
    const last = this.#readings.get(isolate);
    if (nowCpu === undefined) return { deltaNs: 0n, busy: false };
    if (last === undefined) {
      this.#readings.set(isolate, { cpuNs: nowCpu, wallNs: nowWall, streakNs: 0n });
      return { deltaNs: 0n, busy: false };
    }
    const deltaNs = nowCpu - last.cpuNs;
    // Busy: on the CPU for at least 80% of the wall time since the last reading.
    const busy = deltaNs > 0n && deltaNs * 10n >= (nowWall - last.wallNs) * 8n;
    last.streakNs = busy ? last.streakNs + deltaNs : 0n;
    last.cpuNs = nowCpu;
    last.wallNs = nowWall;
    const watches = [...this.#watches].filter((w) => w.isolate === isolate);
    if (watches.length > 0) {
      const share = deltaNs / BigInt(watches.length);
      for (const w of watches) w.usedNs += share;
    }
    return { deltaNs, busy };
  }

  // ANCHOR: sample
  #sample(): void {
    const isolates = new Set([...this.#watches].map((w) => w.isolate));
    for (const isolate of isolates) {
      const { deltaNs } = this.#settle(isolate);
      const streakNs = this.#readings.get(isolate)?.streakNs ?? 0n;
      for (const w of [...this.#watches].filter((x) => x.isolate === isolate)) {
        // Over budget by its share, or the isolate has run without a break for longer than the
        // budget: a synchronous loop or a microtask loop stalls every request on the isolate,
        // whichever request started it.
        const over = w.usedNs > w.budgetNs || streakNs > w.budgetNs;
        w.overSamples = over ? w.overSamples + 1 : 0;
        if (w.overSamples >= OVER_SAMPLES_TO_KILL) {
          this.#remove(w);
          w.onIdle?.();
          w.onExceeded();
        } else if (w.onIdle !== undefined) {
          w.quietSamples = deltaNs === 0n ? w.quietSamples + 1 : 0;
          if (w.quietSamples >= QUIET_SAMPLES_TO_IDLE || w.isolate.isDisposed) {
            this.#remove(w);
            w.onIdle();
          }
        }
      }
    }
    this.#stopTimerIfIdle();
  }
  // ANCHOR_END: sample
}

/** One watchdog per process: a single timer serves every isolate. */
export const cpuWatchdog = new CpuWatchdog();
