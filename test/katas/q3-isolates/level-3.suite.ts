import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { Simulation } from "../../../src/sim/index.js";

interface Pool {
  acquire(scriptId: string, sizeBytes: number): { cold: boolean; evicted: string[] };
  release(scriptId: string): void;
}
interface Route {
  scriptId: string;
  sizeBytes: number;
}
interface Lease {
  release(): void;
}
interface Prewarmer {
  onClientHello(serverName: string): void;
  request(host: string): Promise<Lease>;
}
type Make = (options: { sim: Simulation; pool: Pool; routes: ReadonlyMap<string, Route>; coldStartMs: number }) => Prewarmer;

class PoolRefused extends Error {
  readonly code = "POOL_EXHAUSTED";
}

/** The suite's own correct LRU pool (level 2's contract), recording every call it sees. */
class SpyPool implements Pool {
  readonly entries = new Map<string, { size: number; inFlight: number }>();
  readonly acquired: string[] = [];
  readonly evictions: Array<{ atMs: number; by: string; evicted: string[] }> = [];
  constructor(readonly max: number, readonly sim: Simulation) {}
  acquire(id: string, size: number): { cold: boolean; evicted: string[] } {
    this.acquired.push(id);
    const existing = this.entries.get(id);
    let over = [...this.entries.values()].reduce((s, e) => s + e.size, 0) - (existing?.size ?? 0) + size - this.max;
    const evicted: string[] = [];
    for (const [other, e] of this.entries) {
      if (over <= 0) break;
      if (other === id || e.inFlight > 0) continue;
      evicted.push(other);
      over -= e.size;
    }
    if (over > 0) throw new PoolRefused(`no room for ${id}`);
    for (const e of evicted) this.entries.delete(e);
    this.entries.delete(id);
    this.entries.set(id, { size, inFlight: (existing?.inFlight ?? 0) + 1 });
    if (evicted.length > 0) this.evictions.push({ atMs: this.sim.now(), by: id, evicted });
    return { cold: existing === undefined, evicted };
  }
  release(id: string): void {
    const e = this.entries.get(id);
    if (e === undefined || e.inFlight === 0) throw new Error(`release(${id}) with nothing in flight`);
    e.inFlight--;
  }
  inFlightTotal(): number {
    return [...this.entries.values()].reduce((s, e) => s + e.inFlight, 0);
  }
}

const WORKER_HOSTS = ["shop.example", "api.example", "blog.example", "docs.example"];
const BARE_HOSTS = ["static.example", "scan-1.invalid", "scan-2.invalid"];

interface Connection {
  atMs: number;
  host: string;
  handshakeMs: number;
  serveMs: number;
  sendsRequest: boolean;
}
interface Scenario {
  coldStartMs: number;
  budget: number;
  sizes: number[];
  connections: Connection[];
}

/** Handshakes biased to the cold start's edges (shorter, equal, longer), bursts of hosts. */
function scenario(budget: fc.Arbitrary<number>): fc.Arbitrary<Scenario> {
  return fc.integer({ min: 1, max: 40 }).chain((coldStartMs) =>
    fc.record({
      coldStartMs: fc.constant(coldStartMs),
      budget,
      sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: WORKER_HOSTS.length, maxLength: WORKER_HOSTS.length }),
      connections: fc.array(
        fc.record({
          atMs: fc.oneof(fc.constantFrom(0, 5, 10), fc.integer({ min: 0, max: 150 })),
          host: fc.oneof(fc.constantFrom(...WORKER_HOSTS), fc.constantFrom(...BARE_HOSTS)),
          handshakeMs: fc.oneof(fc.constantFrom(0, coldStartMs - 1, coldStartMs, coldStartMs + 1).filter((n) => n >= 0), fc.integer({ min: 0, max: 60 })),
          serveMs: fc.integer({ min: 1, max: 50 }),
          sendsRequest: fc.boolean(),
        }),
        { minLength: 1, maxLength: 20 },
      ),
    }),
  );
}

interface Outcome {
  conn: Connection;
  requestAtMs: number;
  readyAtMs?: number;
  refused?: boolean;
}

interface Run {
  pool: SpyPool;
  outcomes: Outcome[];
  /** Per script, the intervals [request call, lease release] during which it was serving. */
  serving: Array<{ scriptId: string; fromMs: number; toMs: number }>;
}

async function play(make: Make, s: Scenario): Promise<Run> {
  const sim = new Simulation({ seed: 1, trace: false });
  const pool = new SpyPool(s.budget, sim);
  const routes = new Map(WORKER_HOSTS.map((h, i) => [h, { scriptId: `script:${h}`, sizeBytes: s.sizes[i] ?? 1 }]));
  const prewarmer = make({ sim, pool, routes, coldStartMs: s.coldStartMs });
  const outcomes: Outcome[] = [];
  const serving: Run["serving"] = [];
  for (const conn of s.connections) {
    sim.at(conn.atMs, () => prewarmer.onClientHello(conn.host), "client hello");
    // Only a real client with a worker behind the host finishes the handshake and asks.
    if (!conn.sendsRequest || !routes.has(conn.host)) continue;
    sim.at(conn.atMs + conn.handshakeMs, () => {
      const outcome: Outcome = { conn, requestAtMs: sim.now() };
      outcomes.push(outcome);
      prewarmer.request(conn.host).then(
        (lease) => {
          outcome.readyAtMs = sim.now();
          sim.schedule(conn.serveMs, () => {
            serving.push({ scriptId: `script:${conn.host}`, fromMs: outcome.requestAtMs, toMs: sim.now() });
            lease.release();
          }, "response sent");
        },
        (error: unknown) => {
          if (!(error instanceof PoolRefused)) throw error;
          outcome.refused = true;
        },
      );
    }, "request");
  }
  await sim.runAsync(10_000);
  return { pool, outcomes, serving };
}

export const suite = defineLevel<Make>({
  kata: "q3-isolates",
  level: 3,
  load: (m) => {
    const Ctor = requireExport<new (o: Parameters<Make>[0]) => Prewarmer>(m, "SniPrewarmer", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => {
    const sim = new Simulation({ seed: 1, trace: false });
    make({ sim, pool: new SpyPool(10, sim), routes: new Map([["a", { scriptId: "a", sizeBytes: 1 }]]), coldStartMs: 5 }).onClientHello("a");
  },
  properties: [
    {
      name: "the visible cold start is max(0, cold − handshake) for a first visit, and 0 once the isolate is ready",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(scenario(fc.constant(1000)), async (s) => {
            // No memory pressure: nothing is evicted, so each script becomes ready exactly
            // coldStartMs after the first ClientHello that names its host.
            const run = await play(make, s);
            const firstHello = new Map<string, number>();
            for (const c of [...s.connections].sort((a, b) => a.atMs - b.atMs)) if (!firstHello.has(c.host)) firstHello.set(c.host, c.atMs);
            for (const o of run.outcomes) {
              if (o.readyAtMs === undefined) throw new Error(`request to ${o.conn.host} at ${o.requestAtMs} ms never became ready`);
              const readyAt = (firstHello.get(o.conn.host) ?? 0) + s.coldStartMs;
              const want = Math.max(0, readyAt - o.requestAtMs);
              const got = o.readyAtMs - o.requestAtMs;
              if (got !== want) {
                throw new Error(`request to ${o.conn.host} at ${o.requestAtMs} ms (first ClientHello at ${firstHello.get(o.conn.host)} ms, cold ${s.coldStartMs} ms, handshake ${o.conn.handshakeMs} ms) waited ${got} ms; expected ${want} ms`);
              }
            }
          }),
          ctx,
          { numRuns: 80 },
        ),
    },
    {
      name: "a ClientHello for a host with no worker never touches the pool, and a pre-warm never pins an isolate",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(scenario(fc.integer({ min: 3, max: 8 })), async (s) => {
            const run = await play(make, s);
            const stray = run.pool.acquired.filter((id) => !WORKER_HOSTS.some((h) => id === `script:${h}`));
            if (stray.length > 0) throw new Error(`the pool was asked for ${stray.join(", ")}, which no host routes to`);
            if (run.pool.inFlightTotal() !== 0) throw new Error(`${run.pool.inFlightTotal()} isolate(s) still in flight after every response was sent`);
          }),
          ctx,
          { numRuns: 80 },
        ),
    },
    {
      name: "a pre-warm never evicts a worker that is serving a request",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(scenario(fc.integer({ min: 3, max: 6 })), async (s) => {
            const run = await play(make, s);
            for (const ev of run.pool.evictions) {
              for (const victim of ev.evicted) {
                // Strictly inside: at the interval's ends the request is starting or finished.
                const busy = run.serving.find((iv) => iv.scriptId === victim && iv.fromMs < ev.atMs && ev.atMs < iv.toMs);
                if (busy) throw new Error(`at ${ev.atMs} ms acquiring ${ev.by} evicted ${victim}, which was serving a request from ${busy.fromMs} to ${busy.toMs} ms`);
              }
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
