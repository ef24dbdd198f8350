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

const show = (x: unknown): string => JSON.stringify(x);

/**
 * The suite's own correct LRU pool (level 2's contract). It records every call, and when each
 * script's isolate was last created: that, plus the cold start, is when the isolate is ready,
 * whatever the prewarmer believes.
 */
class SpyPool implements Pool {
  readonly entries = new Map<string, { size: number; inFlight: number }>();
  readonly acquired: string[] = [];
  readonly evictions: Array<{ atMs: number; by: string; evicted: string[] }> = [];
  readonly createdAtMs = new Map<string, number>();
  readonly refusals = new Set<PoolRefused>();
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
    if (over > 0) {
      const refusal = new PoolRefused(`no room for ${id}`);
      this.refusals.add(refusal);
      throw refusal;
    }
    for (const e of evicted) this.entries.delete(e);
    this.entries.delete(id);
    this.entries.set(id, { size, inFlight: (existing?.inFlight ?? 0) + 1 });
    if (evicted.length > 0) this.evictions.push({ atMs: this.sim.now(), by: id, evicted });
    if (existing === undefined) this.createdAtMs.set(id, this.sim.now());
    return { cold: existing === undefined, evicted };
  }
  release(id: string): void {
    const e = this.entries.get(id);
    if (e === undefined || e.inFlight === 0) throw new Error(`pool.release(${show(id)}) with nothing in flight: a lease or pre-warm released more than it acquired`);
    e.inFlight--;
  }
  inFlight(id: string): number {
    return this.entries.get(id)?.inFlight ?? 0;
  }
  inFlightTotal(): number {
    return [...this.entries.values()].reduce((s, e) => s + e.inFlight, 0);
  }
}

/**
 * Hosts with a worker. Two hosts share one script (a worker deployed on two routes), and script
 * ids are adversarial: "7" is integer-like, "constructor" and "__proto__" are prototype names.
 */
const ROUTES: ReadonlyArray<[string, string]> = [
  ["shop.example", "shop"],
  ["www.shop.example", "shop"],
  ["api.example", "7"],
  ["blog.example", "constructor"],
  ["docs.example", "__proto__"],
];
const WORKER_HOSTS = ROUTES.map(([h]) => h);
const SCRIPTS = [...new Set(ROUTES.map(([, s]) => s))];
/** SNI is free to send: names with no worker, some of them prototype property names. */
const BARE_HOSTS = ["static.example", "scan-1.invalid", "__proto__", "constructor", "toString", "", "xn--bcher-kva.example"];

interface Connection {
  atMs: number;
  host: string;
  handshakeMs: number;
  serveMs: number;
  sendsRequest: boolean;
  releasesTwice: boolean;
}
interface Scenario {
  coldStartMs: number;
  budget: number;
  sizes: number[];
  connections: Connection[];
  /** A second prewarmer over its own pool on the same simulation, with its own connections. */
  other: Connection[];
}

/**
 * Handshakes biased to the cold start's edges (shorter, equal, longer), bursts of hosts, leases
 * sometimes released twice. With a small budget the pool evicts and refuses.
 */
function scenario(budget: fc.Arbitrary<number>, maxSize = 3): fc.Arbitrary<Scenario> {
  return fc.oneof(fc.constantFrom(1, 5, 30), fc.integer({ min: 1, max: 40 })).chain((coldStartMs) => {
    const connection = fc.record({
      atMs: fc.oneof(fc.constantFrom(0, 5, 10), fc.integer({ min: 0, max: 150 })),
      host: fc.oneof({ arbitrary: fc.constantFrom(...WORKER_HOSTS), weight: 3 }, { arbitrary: fc.constantFrom(...BARE_HOSTS), weight: 1 }),
      handshakeMs: fc.oneof(fc.constantFrom(0, coldStartMs - 1, coldStartMs, coldStartMs + 1).filter((n) => n >= 0), fc.integer({ min: 0, max: 60 })),
      serveMs: fc.integer({ min: 1, max: 50 }),
      sendsRequest: fc.boolean(),
      releasesTwice: fc.boolean(),
    });
    return fc.record({
      coldStartMs: fc.constant(coldStartMs),
      budget,
      sizes: fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: SCRIPTS.length, maxLength: SCRIPTS.length }),
      connections: fc.array(connection, { minLength: 1, maxLength: 20 }),
      other: fc.oneof(fc.constant<Connection[]>([]), fc.array(connection, { minLength: 1, maxLength: 8 })),
    });
  });
}

const conn = (atMs: number, host: string, handshakeMs: number, sendsRequest = true): Connection => ({ atMs, host, handshakeMs, serveMs: 5, sendsRequest, releasesTwice: false });
/**
 * Exact boundaries, always run first: a handshake one ms shorter than, equal to and one ms
 * longer than the cold start, a pre-warm on one host serving a request on another host of the
 * same script, and a second prewarmer that saw nothing of the first's pre-warms.
 */
const EXAMPLES: Scenario[] = [
  {
    coldStartMs: 30,
    budget: 1000,
    sizes: SCRIPTS.map(() => 1),
    connections: [conn(0, "api.example", 29), conn(0, "blog.example", 30), conn(0, "docs.example", 31), conn(10, "www.shop.example", 0, false), conn(20, "shop.example", 5)],
    other: [conn(12, "shop.example", 1), conn(40, "api.example", 0)],
  },
];

interface Outcome {
  conn: Connection;
  scriptId: string;
  requestAtMs: number;
  readyAtMs?: number;
  /** When the pool created the isolate the lease holds, as of the lease being handed out. */
  createdAtMs?: number;
  refused?: boolean;
}

interface Run {
  pool: SpyPool;
  outcomes: Outcome[];
  /** Per script, the intervals [request call, lease release] during which it was serving. */
  serving: Array<{ scriptId: string; fromMs: number; toMs: number }>;
  /** Checks that failed inside promise callbacks, where a throw would go unnoticed. */
  failures: Error[];
}

/** Plays one prewarmer's connections; every check that needs the moment it happens is made here. */
function play(make: Make, sim: Simulation, s: Scenario, connections: readonly Connection[], budget: number): Run {
  const pool = new SpyPool(budget, sim);
  const routes = new Map(ROUTES.map(([h, id]) => [h, { scriptId: id, sizeBytes: s.sizes[SCRIPTS.indexOf(id)] ?? 1 }]));
  const prewarmer = make({ sim, pool, routes, coldStartMs: s.coldStartMs });
  const outcomes: Outcome[] = [];
  const serving: Run["serving"] = [];
  const failures: Error[] = [];
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      failures.push(error instanceof Error ? error : new Error(String(error)));
    }
  };
  /** Requests made and neither refused nor released, per script: exactly what the pool must hold in flight. */
  const holding = new Map<string, number>();
  const expectHeld = (scriptId: string, when: string): void => {
    if (pool.inFlight(scriptId) !== (holding.get(scriptId) ?? 0)) {
      throw new Error(`${when}: the pool has ${pool.inFlight(scriptId)} request(s) in flight on ${show(scriptId)}, but ${holding.get(scriptId) ?? 0} lease(s) are held`);
    }
  };
  for (const conn of connections) {
    sim.at(conn.atMs, () => prewarmer.onClientHello(conn.host), "client hello");
    const route = routes.get(conn.host);
    // Only a real client with a worker behind the host finishes the handshake and asks.
    if (!conn.sendsRequest || route === undefined) continue;
    sim.at(conn.atMs + conn.handshakeMs, () => {
      const outcome: Outcome = { conn, scriptId: route.scriptId, requestAtMs: sim.now() };
      outcomes.push(outcome);
      holding.set(route.scriptId, (holding.get(route.scriptId) ?? 0) + 1);
      let pending: Promise<Lease>;
      try {
        pending = prewarmer.request(conn.host);
      } catch (error) {
        throw new Error(`request(${show(conn.host)}) threw at the call (${error instanceof Error ? error.message : show(error)}); it must return a promise, rejected if the pool refuses`);
      }
      pending.then(
        (lease) => guard(() => {
          outcome.readyAtMs = sim.now();
          outcome.createdAtMs = pool.createdAtMs.get(route.scriptId);
          expectHeld(route.scriptId, `when the lease for ${conn.host} (requested at ${outcome.requestAtMs} ms) was handed out at ${sim.now()} ms`);
          sim.schedule(conn.serveMs, () => guard(() => {
            expectHeld(route.scriptId, `while ${conn.host} was serving at ${sim.now()} ms`);
            serving.push({ scriptId: route.scriptId, fromMs: outcome.requestAtMs, toMs: sim.now() });
            holding.set(route.scriptId, (holding.get(route.scriptId) ?? 0) - 1);
            lease.release();
            // Idempotent: a second release must not end another request's hold.
            if (conn.releasesTwice) lease.release();
            expectHeld(route.scriptId, `after the response of ${conn.host} was sent at ${sim.now()} ms${conn.releasesTwice ? " (its lease released twice)" : ""}`);
          }), "response sent");
        }),
        (error: unknown) => guard(() => {
          outcome.refused = true;
          holding.set(route.scriptId, (holding.get(route.scriptId) ?? 0) - 1);
          if (!(error instanceof PoolRefused && pool.refusals.has(error))) {
            throw new Error(`request(${show(conn.host)}) at ${outcome.requestAtMs} ms rejected with ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}; expected the pool's own refusal`);
          }
        }),
      );
    }, "request");
  }
  return { pool, outcomes, serving, failures };
}

async function playAll(make: Make, s: Scenario): Promise<Run[]> {
  const sim = new Simulation({ seed: 1, trace: false });
  const runs = [play(make, sim, s, s.connections, s.budget)];
  if (s.other.length > 0) runs.push(play(make, sim, s, s.other, s.budget));
  await sim.runAsync(10_000);
  for (const run of runs) if (run.failures.length > 0) throw run.failures[0];
  return runs;
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
            // coldStartMs after the first ClientHello that names one of its hosts.
            const runs = await playAll(make, s);
            runs.forEach((run, r) => {
              const firstHello = new Map<string, number>();
              for (const c of [...(r === 0 ? s.connections : s.other)].sort((a, b) => a.atMs - b.atMs)) {
                const id = ROUTES.find(([h]) => h === c.host)?.[1];
                if (id !== undefined && !firstHello.has(id)) firstHello.set(id, c.atMs);
              }
              for (const o of run.outcomes) {
                if (o.readyAtMs === undefined) throw new Error(`prewarmer ${r}: request to ${o.conn.host} at ${o.requestAtMs} ms never became ready`);
                const readyAt = (firstHello.get(o.scriptId) ?? 0) + s.coldStartMs;
                const want = Math.max(0, readyAt - o.requestAtMs);
                const got = o.readyAtMs - o.requestAtMs;
                if (got !== want) {
                  throw new Error(
                    `prewarmer ${r}: request to ${o.conn.host} (script ${show(o.scriptId)}) at ${o.requestAtMs} ms (first ClientHello for the script at ${firstHello.get(o.scriptId)} ms, cold ${s.coldStartMs} ms, handshake ${o.conn.handshakeMs} ms) waited ${got} ms; expected ${want} ms`,
                  );
                }
              }
            });
          }),
          ctx,
          { numRuns: 60, examples: EXAMPLES.map((e) => [e]) },
        ),
    },
    {
      name: "under memory pressure a request waits exactly until its isolate is ready: an evicted isolate is cold again; a refused request rejects with the pool's error",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(scenario(fc.integer({ min: 2, max: 7 }), 4), async (s) => {
            const runs = await playAll(make, s);
            runs.forEach((run, r) => {
              for (const o of run.outcomes) {
                if (o.refused) continue;
                if (o.readyAtMs === undefined) throw new Error(`prewarmer ${r}: request to ${o.conn.host} at ${o.requestAtMs} ms neither became ready nor was refused`);
                // The isolate serving the request was created at createdAtMs and not evicted
                // since (the request held it), so it is ready coldStartMs later.
                const createdAt = o.createdAtMs ?? Number.NaN;
                const want = Math.max(o.requestAtMs, createdAt + s.coldStartMs);
                if (o.readyAtMs !== want) {
                  const evictions = run.pool.evictions.filter((e) => e.evicted.includes(o.scriptId) && e.atMs <= o.requestAtMs).map((e) => e.atMs);
                  throw new Error(
                    `prewarmer ${r}: request to ${o.conn.host} at ${o.requestAtMs} ms got its lease at ${o.readyAtMs} ms; its isolate was created at ${createdAt} ms (cold ${s.coldStartMs} ms${evictions.length > 0 ? `, evicted before at ${evictions.join(", ")} ms` : ""}), so it is ready at ${want} ms`,
                  );
                }
              }
            });
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
    {
      name: "a ClientHello for a host with no worker never touches the pool, and a pre-warm never pins an isolate",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(scenario(fc.integer({ min: 3, max: 8 })), async (s) => {
            for (const run of await playAll(make, s)) {
              const stray = run.pool.acquired.filter((id) => !SCRIPTS.includes(id));
              if (stray.length > 0) throw new Error(`the pool was asked for ${show(stray)}, which no host routes to`);
              if (run.pool.inFlightTotal() !== 0) throw new Error(`${run.pool.inFlightTotal()} isolate(s) still in flight after every response was sent`);
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "a pre-warm never evicts a worker that is serving a request",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(scenario(fc.integer({ min: 3, max: 6 })), async (s) => {
            for (const run of await playAll(make, s)) {
              for (const ev of run.pool.evictions) {
                for (const victim of ev.evicted) {
                  // Strictly inside: at the interval's ends the request is starting or finished.
                  const busy = run.serving.find((iv) => iv.scriptId === victim && iv.fromMs < ev.atMs && ev.atMs < iv.toMs);
                  if (busy) throw new Error(`at ${ev.atMs} ms acquiring ${show(ev.by)} evicted ${show(victim)}, which was serving a request from ${busy.fromMs} to ${busy.toMs} ms`);
                }
              }
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
  ],
});
