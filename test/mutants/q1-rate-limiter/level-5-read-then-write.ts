// Mutant: the Worker reads the count from the object, decides, then writes the new count back: two round trips with an `await` between the read and the write, so concurrent PoPs lose updates.
import type { DurableObjectNamespaceApi, DurableObjectStateApi } from "../../../src/core/bindings.js";
import type { Clock } from "../../../src/sim/clock.js";

export interface LimiterEnv {
  limit: number;
  windowMs: number;
  clock: Clock;
}

interface WindowCount {
  window: number;
  admitted: number;
}

export class RateLimiterObject {
  constructor(
    readonly state: DurableObjectStateApi,
    readonly env: LimiterEnv,
  ) {}

  async fetch(request: Request): Promise<Response> {
    const window = Math.floor(this.env.clock.nowMs() / this.env.windowMs);
    if (request.method === "PUT") {
      const body = (await request.json()) as { admitted: number };
      await this.state.storage.put("window", { window, admitted: body.admitted });
      return Response.json({ ok: true });
    }
    const stored = await this.state.storage.get<WindowCount>("window");
    const admitted = stored !== undefined && stored.window === window ? stored.admitted : 0;
    return Response.json({ admitted, limit: this.env.limit });
  }
}

export async function acquire(ns: DurableObjectNamespaceApi, key: string): Promise<boolean> {
  const stub = ns.get(ns.idFromName(key));
  const read = (await (await stub.fetch(new Request("https://rate-limiter.internal/count"))).json()) as { admitted: number; limit: number };
  if (read.admitted >= read.limit) return false;
  await stub.fetch(new Request("https://rate-limiter.internal/count", { method: "PUT", body: JSON.stringify({ admitted: read.admitted + 1 }) }));
  return true;
}
