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
// Hints: `npm run kata -- hint q2/3`. Grade: `npm run kata -- check q2/3`.
import { NotImplemented } from "../../src/kata/not-implemented.js";
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
      // TODO: add one to the count in state.storage, audit it, return the new count.
      throw new NotImplemented("counterObject.increment");
    },
    async read(): Promise<number> {
      // TODO: return the count.
      throw new NotImplemented("counterObject.read");
    },
  });
}

export async function increment(env: CounterEnv, name: string): Promise<number> {
  // TODO: reach the one object for `name` and call its increment.
  throw new NotImplemented("increment");
}

export async function read(env: CounterEnv, name: string): Promise<number> {
  // TODO: reach the one object for `name` and call its read.
  throw new NotImplemented("read");
}
