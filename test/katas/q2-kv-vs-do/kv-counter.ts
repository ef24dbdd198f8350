import { EdgeError } from "../../../src/core/errors.js";
import type { CounterInput, Operation } from "../../../src/lin/index.js";
import { makeKvWorld } from "./kv-world.js";

export type CounterOperation = Operation<CounterInput, number>;

const COUNTER_KEY = "counter:views";

/**
 * The teammate's counter: read the count from KV at this PoP (cacheTtl 30 s), write count + 1.
 * Each increment is one client (`<pop>#<i>`); KV calls take no virtual time here, so call and
 * return share the start time, and of two increments at one instant the second write is
 * refused (1 write per second per key), which drops it from the history.
 */
export async function runKvCounter(
  seed: number,
  pops: readonly string[],
  increments: ReadonlyArray<{ pop: string; atMs: number }>,
): Promise<{ history: CounterOperation[]; rateLimited: number }> {
  const world = makeKvWorld(seed, pops);
  const history: CounterOperation[] = [];
  const pending: Array<Promise<void>> = [];
  let rateLimited = 0;
  increments.forEach((inc, i) => {
    world.sim.at(inc.atMs, () => {
      const kv = world.at(inc.pop);
      const run = async (): Promise<void> => {
        const n = Number((await kv.get(COUNTER_KEY, { cacheTtl: 30 })) ?? 0);
        try {
          await kv.put(COUNTER_KEY, String(n + 1));
        } catch (error) {
          // A refused write had no effect, so leaving it out of the history is sound.
          if (error instanceof EdgeError && error.code === "KV_RATE_LIMITED") return void rateLimited++;
          throw error;
        }
        history.push({ clientId: `${inc.pop}#${i}`, input: { kind: "increment" }, output: n + 1, call: inc.atMs, ret: world.sim.now() });
      };
      pending.push(run());
    }, "increment");
  });
  await world.sim.runAsync();
  await Promise.all(pending);
  return { history, rateLimited };
}
