import type { DurableObjectInstanceApi, DurableObjectStateApi } from "../core/bindings.js";
import { EdgeError } from "../core/errors.js";
import { SqliteDurableObjectStorage } from "../durable-objects/sqlite-object-storage.js";
import type { LogLine } from "./host-bridge.js";
import { requestToWire, responseFromWire } from "./http-wire.js";
import type { EntryPoint, Outcome, RunResult, WorkerInstance } from "./worker-instance.js";

/** What a Durable Object instance needs from the `Worker` whose script defines its class. */
export interface DurableObjectHost {
  workerName: string;
  acquire(): Promise<WorkerInstance>;
  budgetNs(): bigint;
  nowMs(): number;
  /** Maps a failed run to its outcome (null when it succeeded) and forgets a dead isolate. */
  failure(run: RunResult, logs: LogLine[]): Exclude<Outcome, "ok"> | null;
  /** Maps bundle positions in an exception's stack to source positions. */
  remap(text: string): string;
}

interface Reply {
  kind: "ok" | "exception";
  message?: string;
  response?: unknown;
  value?: unknown;
}

/**
 * Builds one Durable Object instance inside the worker's isolate and returns its host-side
 * face: `fetch` plus one RPC function per method of the class. The object's `state.storage`
 * calls come back to the host `DurableObjectStateApi` given by the DO runtime. Each call runs
 * under the same CPU budget as a request; exceptions reach the caller as typed errors, as a
 * Durable Object's exceptions reach the calling worker on Cloudflare.
 */
export async function createDurableObject(host: DurableObjectHost, className: string, state: DurableObjectStateApi): Promise<DurableObjectInstanceApi> {
  const logs: LogLine[] = [];
  const instance = await host.acquire();
  const instanceId = instance.bridge.registerDurableObjectState(state);
  const sqlite = state.storage instanceof SqliteDurableObjectStorage;
  const idWire = { hex: state.id.toString(), ...(state.id.name !== undefined && { name: state.id.name }), ...(sqlite && { sqlite: true }) };
  // The isolate commits at its next microtask; a run that ends first still commits here.
  const flush = (): void => {
    if (state.storage instanceof SqliteDurableObjectStorage) state.storage.flush();
  };
  const constructing = instance.bridge.bodies.open();
  const created = await instance.run("createDurableObject", [instanceId, className, idWire], host.budgetNs(), logs).finally(() => {
    instance.bridge.bodies.close(constructing);
    flush();
  });
  if (created.outcome !== "ok") {
    instance.bridge.releaseDurableObjectState(instanceId);
    throw new EdgeError("DURABLE_OBJECT_CONSTRUCTOR_FAILED", 500, `worker "${host.workerName}": cannot construct ${className}: ${created.error ?? created.outcome}`);
  }
  const bodies = instance.bridge.bodies;
  // Each call is a scope of the isolate's body table (see body-streams.ts): the streams its
  // code can reach are released when it returns. A response's own body leaves the table first.
  const call = async <T>(entry: EntryPoint, args: (scope: number) => unknown[] | Promise<unknown[]>, answer: (reply: Reply) => T): Promise<T> => {
    // The object lived in an isolate that a limit has since discarded; its memory is gone.
    if (instance.disposed) throw new EdgeError("DURABLE_OBJECT_RESET", 503, `Durable Object ${className} ${idWire.hex} was reset: its isolate was discarded`);
    const scope = bodies.open();
    try {
      const run = await instance.run(entry, [instanceId, ...(await args(scope))], host.budgetNs(), logs);
      flush();
      const failed = host.failure(run, logs);
      if (failed !== null) throw new EdgeError("WORKER_EXCEEDED_RESOURCES", 503, `Durable Object ${className}: ${run.error ?? failed}`);
      const reply = run.value as Reply;
      if (reply.kind === "exception") throw new EdgeError("DURABLE_OBJECT_EXCEPTION", 500, host.remap(reply.message ?? "exception"));
      return answer(reply);
    } finally {
      bodies.close(scope);
    }
  };
  const api: DurableObjectInstanceApi = {
    fetch: (request: Request): Promise<Response> =>
      call("durableObjectFetch", async (scope) => [await requestToWire(request, bodies, scope), host.nowMs()], (reply) => responseFromWire(reply.response, bodies, instance.bridge.sockets)),
  };
  for (const method of created.value as string[]) {
    if (method === "fetch") continue;
    api[method] = (...args: unknown[]): Promise<unknown> => call("durableObjectCall", () => [method, args, host.nowMs()], (reply) => reply.value);
  }
  return api;
}
