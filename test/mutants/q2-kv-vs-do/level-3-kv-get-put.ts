// Mutant: the counter stays on KV (get, then put n + 1), so increments from two PoPs read the same n and one is lost, and a second increment at one PoP within a second is refused.
import type { DurableObjectFactory, DurableObjectNamespaceApi, DurableObjectStateApi, KvNamespaceApi } from "../../../src/core/bindings.js";
export interface CounterEnv { KV: KvNamespaceApi; COUNTERS: DurableObjectNamespaceApi }
export interface ObjectEnv { audit(event: string): Promise<void> }
export function counterObject(objectEnv: ObjectEnv): DurableObjectFactory {
  return (_state: DurableObjectStateApi) => ({ audit: (n: number) => objectEnv.audit(`increment -> ${n}`) });
}
export async function increment(env: CounterEnv, name: string): Promise<number> {
  const n = Number((await env.KV.get(`count:${name}`)) ?? 0) + 1;
  await env.KV.put(`count:${name}`, String(n));
  await env.COUNTERS.get(env.COUNTERS.idFromName(name)).call("audit", n);
  return n;
}
export async function read(env: CounterEnv, name: string): Promise<number> {
  return Number((await env.KV.get(`count:${name}`)) ?? 0);
}
