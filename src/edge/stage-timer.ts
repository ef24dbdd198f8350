import type { Clock } from "../sim/clock.js";

interface Stage {
  name: string;
  durMs: number;
  desc?: string;
}

/**
 * Collects the cost of each pipeline stage for the `Server-Timing` response header
 * (W3C Server Timing). Measured stages use the clock; network stages that the local server
 * cannot feel (client RTT, TLS round trips, backbone) are added as modelled costs and say so.
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
    this.#stages.push({ name, durMs, desc });
  }


  header(): string {
    let out = "";
    for (let i = 0; i < this.#stages.length; i++) {
      const s = this.#stages[i] as Stage;
      // Stages measured on a virtual clock take no time: skip formatting the common zero.
      out += `${i === 0 ? "" : ", "}${s.name};dur=${s.durMs === 0 ? "0.000" : s.durMs.toFixed(3)}`;
      if (s.desc) out += `;desc="${s.desc.includes('"') || s.desc.includes("\\") ? s.desc.replace(/["\\]/g, "") : s.desc}"`;
    }
    return out;
  }
}
