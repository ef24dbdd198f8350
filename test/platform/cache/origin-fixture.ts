import { VirtualClock } from "../../../src/sim/index.js";
import { formatHttpDate, HttpCache, type CacheRequest, type CacheResponse } from "../../../src/cache/index.js";

export const T0 = 1_700_000_000_000;

/** What a test origin returns; `undefined` header values are dropped (handy in ternaries). */
export type OriginAnswer = { status: number; headers: Readonly<Record<string, string | undefined>>; body: string } | "network-error";

/** An origin that answers from a replaceable handler and records every request it sees. */
export class FakeOrigin {
  readonly clock: VirtualClock;
  readonly seen: CacheRequest[] = [];
  handler: (request: CacheRequest, n: number) => OriginAnswer;

  constructor(clock: VirtualClock, handler: FakeOrigin["handler"]) {
    this.clock = clock;
    this.handler = handler;
  }

  readonly fetch = async (request: CacheRequest): Promise<CacheResponse> => {
    this.seen.push(request);
    const out = this.handler(request, this.seen.length);
    if (out === "network-error") throw new Error("connection refused");
    const headers: Record<string, string> = { date: formatHttpDate(this.clock.nowMs()) };
    for (const [name, value] of Object.entries(out.headers)) if (value !== undefined) headers[name] = value;
    return { ...out, headers };
  };
}

export function setup(handler: FakeOrigin["handler"]): { clock: VirtualClock; origin: FakeOrigin; cache: HttpCache } {
  const clock = new VirtualClock(T0);
  const origin = new FakeOrigin(clock, handler);
  return { clock, origin, cache: new HttpCache({ clock, upstream: origin.fetch }) };
}

export function status(response: CacheResponse): string | undefined {
  return response.headers["cf-cache-status"];
}
