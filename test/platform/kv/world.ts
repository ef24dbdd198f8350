import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { KvStore, type KvStoreOptions } from "../../../src/kv/index.js";
import { Simulation } from "../../../src/sim/index.js";

/**
 * Five PoPs in five regions, so each reads through its own regional tier, plus (in
 * `TIERED_POPS`) pairs that share one: LHR+FRA (EU), NRT+SIN (AS).
 */
export const POP_CODES = ["LHR", "IAD", "NRT", "SYD", "GRU"] as const;
export const TIERED_POPS = ["LHR", "FRA", "IAD", "NRT", "SIN", "SYD", "GRU"] as const;
/** A realistic epoch, so expirations in seconds since 1970 look like the real thing. */
export const START_MS = 1_700_000_000_000;

export interface World {
  sim: Simulation;
  store: KvStore;
  at(pop: string): KvNamespaceApi;
}

export interface WorldOptions {
  pops?: readonly string[];
  /**
   * Defaults to 0 here, not to the store's 1 %: API tests read back what they wrote. The
   * consistency tests set it to show "usually, not always".
   */
  ownWriteMissProbability?: number;
  tierOf?: KvStoreOptions["tierOf"];
  cacheEntriesMax?: number;
}

/** A store on a simulation: caches time out as the test advances virtual time. */
export function makeWorld(seed: number, options: WorldOptions = {}): World {
  const sim = new Simulation({ seed, startMs: START_MS, trace: false });
  const store = new KvStore({
    clock: sim.clock,
    rng: sim.rng,
    pops: options.pops ?? POP_CODES,
    ownWriteMissProbability: options.ownWriteMissProbability ?? 0,
    ...(options.tierOf ? { tierOf: options.tierOf } : {}),
    ...(options.cacheEntriesMax ? { cacheEntriesMax: options.cacheEntriesMax } : {}),
  });
  const ns = store.namespace("TEST_NS");
  return { sim, store, at: (pop) => ns.atPop(pop) };
}
