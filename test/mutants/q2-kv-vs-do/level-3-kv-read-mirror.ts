// Mutant: the Worker mirrors the count into KV after each increment and serves read() from KV at the edge (cacheTtl 30) to skip the round trip; reads are then stale and the history not linearizable. (blind)
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
      return (await state.storage.get<number>(COUNT_KEY)) ?? 0;
    },
  });
}

const kvKey = (name: string): string => `counter:${name}`;

export async function increment(env: CounterEnv, name: string): Promise<number> {
  const stub = env.COUNTERS.get(env.COUNTERS.idFromName(name));
  const n = (await stub.call("increment")) as number;
  try {
    await env.KV.put(kvKey(name), String(n));
  } catch {
    // 429: the next increment refreshes the mirror.
  }
  return n;
}

export async function read(env: CounterEnv, name: string): Promise<number> {
  const cached = (await env.KV.get(kvKey(name), { type: "text", cacheTtl: 30 })) as string | null;
  if (cached !== null) return Number(cached);
  const stub = env.COUNTERS.get(env.COUNTERS.idFromName(name));
  return (await stub.call("read")) as number;
}
