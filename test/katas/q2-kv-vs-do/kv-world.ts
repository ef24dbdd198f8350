import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { KV_OWN_WRITE_MISS_PROBABILITY_DEFAULT, KvStore } from "../../../src/kv/index.js";
import { Simulation } from "../../../src/sim/index.js";

/** Big PoPs on every inhabited continent (LHR and FRA share the EU tier, NRT and SIN the AS tier). */
export const KV_POPS = ["LHR", "IAD", "NRT", "SYD", "GRU", "JNB", "FRA", "SIN"] as const;

export interface KvWorld {
  readonly sim: Simulation;
  readonly store: KvStore;
  /** `env.KV` for a worker running in `pop`. */
  at(pop: string): KvNamespaceApi;
}

export interface KvWorldOptions {
  /**
   * How often a writer's own PoP misses its write. The platform default (1 in 100) unless a
   * suite raises it to make "usually, not always" show up within its runs.
   */
  ownWriteMissProbability?: number;
}

function store(sim: Simulation, pops: readonly string[], options: KvWorldOptions): KvStore {
  return new KvStore({ clock: sim.clock, rng: sim.rng, pops, ownWriteMissProbability: options.ownWriteMissProbability ?? KV_OWN_WRITE_MISS_PROBABILITY_DEFAULT });
}

/** A seeded simulation with one KV namespace usable from `pops`. */
export function makeKvWorld(seed: number, pops: readonly string[] = KV_POPS, options: KvWorldOptions = {}): KvWorld {
  const sim = new Simulation({ seed, trace: false });
  const kv = store(sim, pops, options);
  const ns = kv.namespace("q2");
  return { sim, store: kv, at: (pop) => ns.atPop(pop) };
}

/** A KV store usable from `pops`, driven by an existing simulation (to share its clock with Durable Objects). */
export function kvStoreOn(sim: Simulation, pops: readonly string[] = KV_POPS, options: KvWorldOptions = {}): KvStore {
  return store(sim, pops, options);
}

/** A KV namespace of a new `kvStoreOn` store. */
export function kvOn(sim: Simulation, pops: readonly string[] = KV_POPS, options: KvWorldOptions = {}): (pop: string) => KvNamespaceApi {
  const ns = kvStoreOn(sim, pops, options).namespace("q2");
  return (pop) => ns.atPop(pop);
}
