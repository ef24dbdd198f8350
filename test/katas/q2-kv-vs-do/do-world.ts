import type fc from "fast-check";
import type { DurableObjectFactory } from "../../../src/core/bindings.js";
import type { Simulation } from "../../../src/sim/index.js";
import { scheduledDoWorld, simulatedDoWorld, type DoWorld } from "../../support/do-world.js";

export type { DoWorld };

/** The platform's Durable Object runtime with fast-check choosing the order of every message. */
export function scheduledWorld(s: fc.Scheduler, name: string, factory: DurableObjectFactory): DoWorld {
  return scheduledDoWorld(s, () => 0, name, factory);
}

/** Real geography and latency on a virtual-time simulation (for latency figures). */
export function simulatedWorld(sim: Simulation, name: string, factory: DurableObjectFactory): DoWorld {
  return simulatedDoWorld(sim, name, factory);
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
