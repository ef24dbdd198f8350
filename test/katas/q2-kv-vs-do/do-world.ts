import type fc from "fast-check";
import type { DurableObjectFactory } from "../../../src/core/bindings.js";
import { DurableObjectRuntime, type CallMetrics, type DoScheduler, type DurableObjectNamespace } from "../../../src/durable-objects/index.js";
import { LatencyModel, POPS, Rng, type Simulation } from "../../../src/sim/index.js";
import { MemoryStorageEngine } from "../../../src/storage/index.js";

/** The platform's Durable Object runtime (src/durable-objects), wired for grading. */
export interface DoWorld {
  readonly runtime: DurableObjectRuntime;
  readonly ns: DurableObjectNamespace;
  readonly calls: CallMetrics[];
}

function build(sim: DoScheduler, seed: number, name: string, factory: DurableObjectFactory): DoWorld {
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
 */
export function scheduledWorld(s: fc.Scheduler, name: string, factory: DurableObjectFactory): DoWorld {
  const sim: DoScheduler = {
    now: () => 0,
    schedule: (_delayMs, fn, label) => {
      void s.schedule(Promise.resolve(), label).then(fn);
      return { cancel: () => undefined };
    },
    sleep: (_delayMs, label) => s.schedule(Promise.resolve(), label),
    track: (promise) => promise,
  };
  return build(sim, 1, name, factory);
}

/** Real geography and latency on a virtual-time simulation (for latency figures). */
export function simulatedWorld(sim: Simulation, name: string, factory: DurableObjectFactory): DoWorld {
  return build(sim, sim.seed, name, factory);
}

/**
 * Releases one scheduled task at a time and lets the event loop turn in between: the runtime
 * delivers events in macrotasks (as workerd does), so an object awaiting non-storage I/O can
 * really be interleaved with the next request.
 */
export async function drive<T>(s: fc.Scheduler, promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => void (settled = true));
  tracked.catch(() => undefined);
  for (let step = 0; step < 20_000 && !settled; step++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (s.count() > 0) await s.waitNext(1);
  }
  if (!settled) throw new Error("the operations did not finish after 20,000 scheduler steps (a deadlock?)");
  return tracked;
}
