// Runs a snippet of worker code in a real isolate and returns what it answers: the harness the
// Workers API tests share. Each call builds one Worker; `dispose` them in afterAll.
import { WallClock } from "../../../src/sim/clock.js";
import { Worker, type WorkerConfig, type WorkerOptions } from "../../../src/workers/index.js";

export interface InWorker {
  /** POSTs `input` as JSON; the snippet sees it as `input` and returns a Response. */
  (input?: unknown, init?: { path?: string; headers?: HeadersInit; body?: BodyInit }): Promise<Response>;
  worker: Worker;
}

const made: Worker[] = [];

/**
 * A worker whose fetch handler runs `body` with `request`, `env`, `ctx` and the request's JSON
 * body as `input` in scope (or `input` undefined when the request body is not JSON).
 */
export function inWorker(body: string, config: Partial<WorkerConfig> = {}, options: WorkerOptions = {}): InWorker {
  const source = `export default { async fetch(request, env, ctx) {
    let input;
    if (request.headers.get("x-input") === "json") input = await request.json();
    ${body}
  } };`;
  const worker = new Worker(source, { name: `in-worker-${made.length}`, cpuMsMax: 5_000, ...config }, { clock: new WallClock(), ...options });
  made.push(worker);
  const call = (async (input?: unknown, init: { path?: string; headers?: HeadersInit; body?: BodyInit } = {}) => {
    const headers = new Headers(init.headers);
    let requestBody: BodyInit | undefined = init.body;
    if (input !== undefined) {
      headers.set("x-input", "json");
      requestBody = JSON.stringify(input);
    }
    const method = requestBody === undefined ? "GET" : "POST";
    const requestInit: RequestInit & { duplex?: "half" } = { method, headers, body: requestBody };
    if (requestBody instanceof ReadableStream) requestInit.duplex = "half";
    const r = await worker.fetch(new Request(`https://in-worker.example${init.path ?? "/"}`, requestInit));
    if (r.outcome !== "ok") throw new Error(`worker failed (${r.outcome}): ${r.logs.map((l) => l.message).join(" | ")}`);
    return r.response;
  }) as InWorker;
  call.worker = worker;
  return call;
}

/** The JSON a snippet answers with `Response.json(...)`. */
export async function json<T = unknown>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

export function disposeWorkers(): void {
  for (const w of made.splice(0)) w.dispose();
}
