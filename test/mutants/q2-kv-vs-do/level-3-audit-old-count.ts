// Mutant: audits the count it read (`increment -> n` with the old n) instead of the new count it returns, an off-by-one the counter's own answers never show.
import type { DurableObjectFactory, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../../../src/core/bindings.js";

/** Bindings of a Worker running in one PoP. */
export interface CounterEnv {
  KV: KvNamespaceApi;
  COUNTERS: DurableObjectNamespaceApi;
}

/** What the object may call besides its storage. */
export interface ObjectEnv {
  audit(event: string): Promise<void>;
}

export function counterObject(objectEnv: ObjectEnv): DurableObjectFactory {
  return (state: DurableObjectStateApi) => ({
    async increment(): Promise<number> {
      // Read and write with nothing but storage in between: the input gate holds every other
      // event back across both calls, so no increment can read the same n.
      const n = (await state.storage.get<number>("n")) ?? 0;
      await state.storage.put("n", n + 1);
      // The audit is other I/O: the gate opens here, which is harmless now that n + 1 is stored.
      await objectEnv.audit(`increment -> ${n}`);
      return n + 1;
    },
    async read(): Promise<number> {
      // Storage, not an instance field: the object may be moved or evicted between calls.
      return (await state.storage.get<number>("n")) ?? 0;
    },
  });
}

export async function increment(env: CounterEnv, name: string): Promise<number> {
  // Every PoP reaches the same instance through the same name; KV is not involved.
  return (await env.COUNTERS.get(env.COUNTERS.idFromName(name)).call("increment")) as number;
}

export async function read(env: CounterEnv, name: string): Promise<number> {
  return (await env.COUNTERS.get(env.COUNTERS.idFromName(name)).call("read")) as number;
}
