import { AssertionFailed, assert } from "../core/errors.js";
import { VirtualClock } from "./clock.js";
import { EventQueue } from "./event-queue.js";
import { Rng } from "./rng.js";

export interface SimulationOptions {
  /** Seed of the root PRNG; every subsystem forks a named stream from it. */
  seed: number;
  /** Virtual start time. @defaultValue 0 */
  startMs?: number;
  /** Record a trace line per event (label and time). @defaultValue true */
  trace?: boolean;
  /** Hard bound on events per `run` call, so a simulation always stops. @defaultValue 10_000_000 */
  maxEvents?: number;
}

interface SimEvent {
  label: string;
  fn: () => void;
  cancelled: boolean;
}

export interface Timer {
  cancel(): void;
}

/**
 * Deterministic discrete-event simulation: a virtual clock, a stable event queue and a seeded
 * PRNG. Same seed, same code -> byte-identical trace.
 */
export class Simulation {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly #queue = new EventQueue<SimEvent>();
  readonly #trace: string[] | undefined;
  readonly #maxEvents: number;
  readonly #pending = new Set<Promise<unknown>>();
  #eventsRun = 0;

  constructor(options: SimulationOptions) {
    this.clock = new VirtualClock(options.startMs ?? 0);
    this.rng = new Rng(options.seed);
    this.#trace = options.trace === false ? undefined : [];
    this.#maxEvents = options.maxEvents ?? 10_000_000;
  }

  get seed(): number {
    return this.rng.seed;
  }

  get eventsRun(): number {
    return this.#eventsRun;
  }

  get pendingEvents(): number {
    return this.#queue.size;
  }

  now(): number {
    return this.clock.nowMs();
  }

  /** Runs `fn` after `delayMs` of virtual time. */
  schedule(delayMs: number, fn: () => void, label = "event"): Timer {
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new AssertionFailed(`delay must be finite and >= 0, got ${delayMs}`);
    return this.at(this.now() + delayMs, fn, label);
  }

  /** Runs `fn` at absolute virtual time `atMs` (not in the past). */
  at(atMs: number, fn: () => void, label = "event"): Timer {
    if (!(atMs >= this.now())) throw new AssertionFailed(`cannot schedule in the past (${atMs} < ${this.now()})`);
    const event: SimEvent = { label, fn, cancelled: false };
    this.#queue.push(atMs, event);
    return { cancel: () => void (event.cancelled = true) };
  }

  /** A promise that resolves after `delayMs` of virtual time (for async component code). */
  sleep(delayMs: number, label = "sleep"): Promise<void> {
    return new Promise((resolve) => this.schedule(delayMs, resolve, label));
  }

  /** Appends a line to the trace (components may log decisions that a replay must reproduce). */
  log(line: string): void {
    this.#trace?.push(`${this.now().toFixed(3)} ${line}`);
  }

  /** The trace so far, one line per event. */
  trace(): string {
    return this.#trace ? this.#trace.join("\n") : "";
  }

  /**
   * Tells `runAsync` that real asynchronous work (an isolate call, say) is under way, so it
   * must settle before virtual time moves on.
   */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    const done = (): void => void this.#pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Runs events in order until the queue is empty or the next event is after `untilMs`. */
  run(untilMs = Number.POSITIVE_INFINITY): number {
    let ran = 0;
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || next.atMs > untilMs) break;
      this.#step();
      ran++;
    }
    if (Number.isFinite(untilMs) && untilMs > this.now()) this.clock.setMs(untilMs);
    return ran;
  }

  /**
   * Like `run`, but lets promise chains started by an event settle (microtasks, then tracked
   * real async work) before the next event, so async component code sees a consistent order.
   */
  async runAsync(untilMs = Number.POSITIVE_INFINITY): Promise<number> {
    let ran = 0;
    await this.#settle();
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || next.atMs > untilMs) break;
      this.#step();
      ran++;
      await this.#settle();
    }
    if (Number.isFinite(untilMs) && untilMs > this.now()) this.clock.setMs(untilMs);
    return ran;
  }

  async #settle(): Promise<void> {
    // A bounded number of rounds: each round drains microtasks (setImmediate runs after them)
    // and waits for tracked real work; new work started by settled promises gets another round.
    for (let round = 0; round < 1000; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#pending.size === 0) return;
      await Promise.allSettled([...this.#pending]);
    }
  }

  // ANCHOR: step
  #step(): void {
    const event = this.#queue.pop();
    assert(event !== undefined, "step called on an empty queue");
    if (++this.#eventsRun > this.#maxEvents) {
      throw new AssertionFailed(`simulation exceeded ${this.#maxEvents} events; raise maxEvents or look for a scheduling loop`);
    }
    this.clock.setMs(event.atMs);
    if (event.value.cancelled) return;
    this.#trace?.push(`${event.atMs.toFixed(3)} #${event.seq} ${event.value.label}`);
    event.value.fn();
  }
  // ANCHOR_END: step
}
