import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { KvStore } from "../../../src/kv/index.js";
import { Simulation } from "../../../src/sim/index.js";

/** Big PoPs on every inhabited continent; KV copies live in each of them. */
export const KV_POPS = ["LHR", "IAD", "NRT", "SYD", "GRU", "JNB", "FRA", "SIN"] as const;

/** The platform's bound on how long a write takes to reach every PoP (src/kv default). */
export const PROPAGATION_MS_MAX = 60_000;

export interface KvWorld {
  readonly sim: Simulation;
  readonly store: KvStore;
  /** `env.KV` for a worker running in `pop`. */
  at(pop: string): KvNamespaceApi;
}

/** A seeded simulation with one KV namespace cached in `pops`. */
export function makeKvWorld(seed: number, pops: readonly string[] = KV_POPS): KvWorld {
  const sim = new Simulation({ seed, trace: false });
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops, propagationMsMax: PROPAGATION_MS_MAX });
  const ns = store.namespace("q2");
  return { sim, store, at: (pop) => ns.atPop(pop) };
}

/** A KV namespace cached in `pops`, driven by an existing simulation (to share its clock with Durable Objects). */
export function kvOn(sim: Simulation, pops: readonly string[] = KV_POPS): (pop: string) => KvNamespaceApi {
  const store = new KvStore({ clock: sim.clock, scheduler: sim, rng: sim.rng, pops, propagationMsMax: PROPAGATION_MS_MAX });
  const ns = store.namespace("q2");
  return (pop) => ns.atPop(pop);
}
