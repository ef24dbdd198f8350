import type fc from "fast-check";
import type { DurableObjectFactory } from "../../src/core/bindings.js";
import { DurableObjectRuntime, type CallMetrics, type DoScheduler, type DurableObjectNamespace } from "../../src/durable-objects/index.js";
import { LatencyModel, POPS, Rng, type Simulation } from "../../src/sim/index.js";
import { MemoryStorageEngine } from "../../src/storage/index.js";

/**
 * The platform's Durable Object runtime (src/durable-objects: one instance per id, input and
 * output gates, storage that outlives the instance), wired for grading katas.
 */
export interface DoWorld {
  readonly runtime: DurableObjectRuntime;
  readonly ns: DurableObjectNamespace;
  /** Every stub call so far, with the PoPs and the network time it paid. */
  readonly calls: CallMetrics[];
}

export function buildDoWorld(sim: DoScheduler, seed: number, name: string, factory: DurableObjectFactory): DoWorld {
  const calls: CallMetrics[] = [];
  const runtime = new DurableObjectRuntime({
    sim,
    latency: new LatencyModel({ rng: new Rng(seed).fork("latency") }),
    pops: POPS,
    engine: new MemoryStorageEngine(),
    rng: new Rng(seed).fork("ids"),
    onCall: (m) => calls.push(m),
  });
  return { runtime, ns: runtime.namespace(name, factory), calls };
}

/**
 * Every network hop and every sleep is a task of fast-check's scheduler, so fast-check picks
 * the order in which messages arrive: an asynchronous network that may reorder anything.
 * Virtual time does not move during a wave; `nowMs` is what the objects read.
 */
export function scheduledDoWorld(s: fc.Scheduler, nowMs: () => number, name: string, factory: DurableObjectFactory): DoWorld {
  const sim: DoScheduler = {
    now: nowMs,
    schedule: (_delayMs, fn, label) => {
      void s.schedule(Promise.resolve(), label).then(fn);
      return { cancel: () => undefined };
    },
    sleep: (_delayMs, label) => s.schedule(Promise.resolve(), label),
    track: (promise) => promise,
  };
  return buildDoWorld(sim, 1, name, factory);
}

/** Real geography and latency on a virtual-time simulation (for latency figures). */
export function simulatedDoWorld(sim: Simulation, name: string, factory: DurableObjectFactory): DoWorld {
  return buildDoWorld(sim, sim.seed, name, factory);
}
