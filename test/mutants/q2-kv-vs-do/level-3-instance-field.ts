// Mutant: keeps the count in an instance field ("one single-threaded instance, so a field is atomic"); correct until the object moves to another PoP, where the new instance starts from 0. (blind)
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
  return (_state: DurableObjectStateApi) => {
    let count = 0;
    return {
      async increment(): Promise<number> {
        const n = ++count;
        await objectEnv.audit(`increment -> ${n}`);
        return n;
      },
      async read(): Promise<number> {
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

