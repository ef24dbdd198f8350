// Q2 · level 3 · Counter on a Durable Object
// Level 2 showed a KV counter losing increments. Move the counter into a Durable Object:
// `COUNTERS.idFromName(name)` names ONE object worldwide, and the runtime runs a single
// instance of it, so every increment from every PoP goes through the same code, one event
// at a time.
//
// Implement:
//   (a) `counterObject(objectEnv)`: a Durable Object factory `(state) => ({ increment, read })`.
//       `increment()` adds one and returns the new count; `read()` returns the count. Every
//       increment must also be reported to the audit service with
//       `await objectEnv.audit(\`increment -> ${n}\`)` before it is acknowledged.
//   (b) `increment(env, name)` and `read(env, name)`: the Worker side, in the caller's PoP.
// The suite fires concurrent increments and reads from many PoPs on several counters (any
// string is a name: "__proto__", "constructor", "" and non-ASCII ones too), lets fast-check reorder
// every message, moves the object to another PoP between waves (its in-memory state is lost,
// its storage is not), and requires `checkLinearizable(counterModel(), history)` to accept
// every history, with every increment succeeding and audited.
// Constraints: the input gate only holds other events back while a STORAGE call is pending;
// an `await` on anything else (the audit) lets other requests run in between.
import type { DurableObjectFactory, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../../src/core/bindings.js";

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
      const n = ((await state.storage.get<number>("n")) ?? 0) + 1;
      await state.storage.put("n", n);
      // The audit is other I/O: the gate opens here, which is harmless now that n is stored.
      await objectEnv.audit(`increment -> ${n}`);
      return n;
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
