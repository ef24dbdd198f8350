import { AssertionFailed } from "../core/errors.js";

/**
 * One interface for time, so the same component code runs on virtual time in tests and
 * simulations, and on wall time in the server. Components never call `Date.now()`.
 */
export interface Clock {
  /** Milliseconds since an arbitrary epoch; never decreases. */
  nowMs(): number;
}

/** Virtual time: moves only when told to. */
export class VirtualClock implements Clock {
  #nowMs: number;

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  advanceMs(deltaMs: number): void {
    if (!(Number.isFinite(deltaMs) && deltaMs >= 0)) throw new AssertionFailed(`clock advance must be finite and >= 0, got ${deltaMs}`);
    this.#nowMs += deltaMs;
  }

  setMs(targetMs: number): void {
    // Hot path: build the message only on failure.
    if (!(targetMs >= this.#nowMs)) throw new AssertionFailed(`virtual time never goes backwards (${targetMs} < ${this.#nowMs})`);
    this.#nowMs = targetMs;
  }
}

/** The only place in src/ that reads the real clock. Monotonic: built on performance.now(). */
export class WallClock implements Clock {
  readonly #originMs: number;
  readonly #originPerfMs: number;

  constructor() {
    this.#originMs = Date.now();
    this.#originPerfMs = performance.now();
  }

  nowMs(): number {
    return this.#originMs + (performance.now() - this.#originPerfMs);
  }
}
