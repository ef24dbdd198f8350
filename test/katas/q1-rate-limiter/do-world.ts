import type fc from "fast-check";
import type { DurableObjectFactory } from "../../../src/core/bindings.js";
import { DurableObjectRuntime, type CallMetrics, type DoScheduler, type DurableObjectNamespace } from "../../../src/durable-objects/index.js";
import { LatencyModel, POPS, Rng, type Simulation } from "../../../src/sim/index.js";
import { MemoryStorageEngine } from "../../../src/storage/index.js";

/**
 * The platform's Durable Object runtime (src/durable-objects: one instance per id, input and
 * output gates, storage that outlives the instance), wired for grading.
 */
export interface DoWorld {
  readonly runtime: DurableObjectRuntime;
  readonly ns: DurableObjectNamespace;
  /** Every stub call so far, with the PoPs and the network time it paid. */
  readonly calls: CallMetrics[];
}

function build(sim: DoScheduler, seed: number, factory: DurableObjectFactory): DoWorld {
  const calls: CallMetrics[] = [];
  const runtime = new DurableObjectRuntime({
    sim,
    latency: new LatencyModel({ rng: new Rng(seed).fork("latency") }),
    pops: POPS,
    engine: new MemoryStorageEngine(),
    rng: new Rng(seed).fork("ids"),
    onCall: (m) => calls.push(m),
  });
  return { runtime, ns: runtime.namespace("LIMITER", factory), calls };
}

/**
 * Every network hop (worker to object, object to worker) is a task of fast-check's
 * scheduler, so fast-check chooses the order in which messages arrive: an asynchronous
 * network that may reorder anything. Virtual time does not move during a wave; the test
 * sets the objects' clock between waves.
 */
export function scheduledWorld(s: fc.Scheduler, nowMs: () => number, factory: DurableObjectFactory): DoWorld {
  const sim: DoScheduler = {
    now: nowMs,
    schedule: (_delayMs, fn, label) => {
      void s.schedule(Promise.resolve(), label).then(fn);
      return { cancel: () => undefined };
    },
    sleep: (_delayMs, label) => s.schedule(Promise.resolve(), label),
    track: (promise) => promise,
  };
  return build(sim, 1, factory);
}

/** Real geography and latency on a virtual-time simulation (for latency figures). */
export function simulatedWorld(sim: Simulation, factory: DurableObjectFactory): DoWorld {
  return build(sim, sim.seed, factory);
}
