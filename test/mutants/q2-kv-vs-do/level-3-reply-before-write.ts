// Mutant: replies from an in-memory count and writes storage later in waitUntil (after the audit), so the reply leaves before its write is confirmed and a move loses acknowledged increments.
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
      const stored = (this as { n?: number }).n ?? (await state.storage.get<number>("n")) ?? 0;
      const n = stored + 1;
      (this as { n?: number }).n = n;
      state.waitUntil((async () => {
        await objectEnv.audit(`increment -> ${n}`);
        await state.storage.put("n", n);
      })());
      return n;
    },
    async read(): Promise<number> {
      // Storage, not an instance field: the object may be moved or evicted between calls.
      return (this as { n?: number }).n ?? (await state.storage.get<number>("n")) ?? 0;
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
