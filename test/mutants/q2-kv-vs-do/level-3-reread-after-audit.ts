// Mutant: returns the count re-read from storage after the audit ("return what is stored"); other increments run during the audit await, so two callers can both get the later value. (blind)
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
      // Answer with the stored truth, not a local variable.
      return (await state.storage.get<number>(COUNT_KEY)) ?? n;
    },
    async read(): Promise<number> {
      return (await state.storage.get<number>(COUNT_KEY)) ?? 0;
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

