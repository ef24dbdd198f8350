// Mutant: replies from an in-memory count and persists + audits in waitUntil ("off the hot path"); the put is issued after the reply, so a move can lose acknowledged increments. (blind)
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
  return (state: DurableObjectStateApi) => {
    let count: number | undefined;
    return {
      async increment(): Promise<number> {
        if (count === undefined) count = (await state.storage.get<number>(COUNT_KEY)) ?? 0;
        const n = ++count;
        state.waitUntil(
          (async () => {
            await objectEnv.audit(`increment -> ${n}`);
            await state.storage.put(COUNT_KEY, n);
          })(),
        );
        return n;
      },
      async read(): Promise<number> {
        if (count === undefined) count = (await state.storage.get<number>(COUNT_KEY)) ?? 0;
        return count;
      },
    };
  };
}

export async function increment(env: CounterEnv, name: string): Promise<number> {
  const stub = env.COUNTERS.get(env.COUNTERS.idFromName(name));
  return (await stub.call("increment")) as number;
}

export async function read(env: CounterEnv, name: string): Promise<number> {
  const stub = env.COUNTERS.get(env.COUNTERS.idFromName(name));
  return (await stub.call("read")) as number;
}

