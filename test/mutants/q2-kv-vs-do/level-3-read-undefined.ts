// Mutant: read() returns storage.get() as is, so before the first increment it answers undefined, not 0 (the missing-key case). Any manual test increments first and never sees it. (blind)
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

const COUNT_KEY = "count";

export function counterObject(objectEnv: ObjectEnv): DurableObjectFactory {
  return (state: DurableObjectStateApi) => ({
    async increment(): Promise<number> {
      const n = ((await state.storage.get<number>(COUNT_KEY)) ?? 0) + 1;
      await state.storage.put(COUNT_KEY, n);
      await objectEnv.audit(`increment -> ${n}`);
      return n;
    },
    async read(): Promise<number> {
      return (await state.storage.get<number>(COUNT_KEY)) as number;
    },
  });
}

export async function increment(env: CounterEnv, name: string): Promise<number> {
  const stub = env.COUNTERS.get(env.COUNTERS.idFromName(name));
  return (await stub.call("increment")) as number;
}

export async function read(env: CounterEnv, name: string): Promise<number> {
  const stub = env.COUNTERS.get(env.COUNTERS.idFromName(name));
  return (await stub.call("read")) as number;
}

