import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { KvStore, type Scheduler } from "../../../src/kv/index.js";
import { Rng, Simulation, VirtualClock } from "../../../src/sim/index.js";

export const POP_CODES = ["LHR", "IAD", "NRT", "SYD", "GRU"] as const;
/** A realistic epoch, so expirations in seconds since 1970 look like the real thing. */
export const START_MS = 1_700_000_000_000;

export interface World {
  sim: Simulation;
  store: KvStore;
  at(pop: string): KvNamespaceApi;
}

/** A store on a simulation: propagation runs when the test advances virtual time. */
export function makeWorld(seed: number, options: { pops?: readonly string[]; propagationMsMax?: number } = {}): World {
  const sim = new Simulation({ seed, startMs: START_MS, trace: false });
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops: options.pops ?? POP_CODES, propagationMsMax: options.propagationMsMax ?? 60_000 });
  const ns = store.namespace("TEST_NS");
  return { sim, store, at: (pop) => ns.atPop(pop) };
}

/** A scheduler the test drives by hand, to deliver propagation in any order it likes. */
export class ManualScheduler implements Scheduler {
  readonly queued: Array<{ delayMs: number; fn: () => void; label: string }> = [];

  schedule(delayMs: number, fn: () => void, label = "event"): void {
    this.queued.push({ delayMs, fn, label });
  }
}

export function makeManualWorld(pops: readonly string[] = POP_CODES): { clock: VirtualClock; scheduler: ManualScheduler; store: KvStore; at(pop: string): KvNamespaceApi } {
  const clock = new VirtualClock(START_MS);
  const scheduler = new ManualScheduler();
  const store = new KvStore({ clock, scheduler, rng: new Rng(1), pops });
  const ns = store.namespace("TEST_NS");
  return { clock, scheduler, store, at: (pop) => ns.atPop(pop) };
}
