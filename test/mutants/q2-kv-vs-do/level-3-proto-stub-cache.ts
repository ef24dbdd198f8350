// Mutant: caches stubs in a plain object keyed by counter name; names such as "__proto__" or "constructor" hit Object.prototype members instead of a stub (TypeError or a non-number). (blind)
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

type Stub = ReturnType<DurableObjectNamespaceApi["get"]>;
/** Stubs per namespace and name: idFromName hashes, no need to redo it per request. */
const stubCache = new WeakMap<DurableObjectNamespaceApi, Record<string, Stub>>();

function stubFor(env: CounterEnv, name: string): Stub {
  let byName = stubCache.get(env.COUNTERS);
  if (byName === undefined) stubCache.set(env.COUNTERS, (byName = {}));
  return (byName[name] ??= env.COUNTERS.get(env.COUNTERS.idFromName(name)));
}

export async function increment(env: CounterEnv, name: string): Promise<number> {
  return (await stubFor(env, name).call("increment")) as number;
}

export async function read(env: CounterEnv, name: string): Promise<number> {
  return (await stubFor(env, name).call("read")) as number;
}
