import type { Clock } from "../sim/clock.js";

interface Stage {
  name: string;
  durMs: number;
  /** "modelled: <what the model assumed>" or "measured: <what>"; none for a stage timed here. */
  desc?: string;
}

/** The `desc` of a stage timed on the clock, so a reader can tell it from a modelled one. */
export const STAGE_DESC_MEASURED = "measured";
/** The prefix of a modelled stage's `desc`: a cost the local server cannot feel, from the latency model. */
export const STAGE_DESC_MODELLED = "modelled: ";

/**
 * Collects the cost of each pipeline stage for the `Server-Timing` response header
 * (W3C Server Timing). Measured stages use the clock; network stages that the local server
 * cannot feel (client RTT, TLS round trips, backbone) are added as modelled costs. Each entry's
 * `desc` says which: `desc="measured"` (or `"measured: <what>"` for a figure measured elsewhere,
 * like an isolate's CPU time), or `desc="modelled: <what the model assumed>"`.
 */
export class StageTimer {
  readonly #clock: Clock;
  readonly #stages: Stage[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async time<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const started = this.#clock.nowMs();
    try {
      return await fn();
    } finally {
      this.#stages.push({ name, durMs: this.#clock.nowMs() - started });
    }
  }

  /** `time` for a synchronous stage: no promise, and the same recorded duration. */
  timeSync<T>(name: string, fn: () => T): T {
    const started = this.#clock.nowMs();
    try {
      return fn();
    } finally {
      this.#stages.push({ name, durMs: this.#clock.nowMs() - started });
    }
  }

  model(name: string, durMs: number, desc: string): void {
    this.#stages.push({ name, durMs, desc: `${STAGE_DESC_MODELLED}${desc}` });
  }

  /** A duration measured elsewhere (an isolate's CPU time), with what it measured. */
  measured(name: string, durMs: number, desc: string): void {
    this.#stages.push({ name, durMs, desc: `${STAGE_DESC_MEASURED}: ${desc}` });
  }


  header(): string {
    let out = "";
    for (let i = 0; i < this.#stages.length; i++) {
      const s = this.#stages[i] as Stage;
      // Stages measured on a virtual clock take no time: skip formatting the common zero.
      out += `${i === 0 ? "" : ", "}${s.name};dur=${s.durMs === 0 ? "0.000" : s.durMs.toFixed(3)}`;
      if (s.desc === undefined) out += `;desc="${STAGE_DESC_MEASURED}"`;
      else out += `;desc="${s.desc.includes('"') || s.desc.includes("\\") ? s.desc.replace(/["\\]/g, "") : s.desc}"`;
    }
    return out;
  }
}
