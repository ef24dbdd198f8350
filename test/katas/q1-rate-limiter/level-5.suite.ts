import fc from "fast-check";
import type { DurableObjectInstanceApi, DurableObjectNamespaceApi, DurableObjectStateApi } from "../../../src/core/bindings.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { VirtualClock, type Clock } from "../../../src/sim/index.js";
import { scheduledWorld } from "./do-world.js";

interface LimiterEnv {
  limit: number;
  windowMs: number;
  clock: Clock;
}
interface Impl {
  RateLimiterObject: new (state: DurableObjectStateApi, env: LimiterEnv) => DurableObjectInstanceApi;
  acquire: (ns: DurableObjectNamespaceApi, key: string) => Promise<boolean>;
}

// Big PoPs on four continents: the object lands near whichever calls first.
const POP_CODES = ["LHR", "IAD", "NRT", "SYD", "GRU", "JNB"] as const;
const KEYS = ["a", "b"] as const;

interface Wave {
  atMs: number;
  requests: Array<{ pop: string; key: string }>;
  /** Restart the objects after the wave (eviction, or a move to another PoP). */
  evict: boolean;
}
interface Scenario {
  limit: number;
  windowMs: number;
  waves: Wave[];
}

/** Waves of concurrent requests from many PoPs, at times biased to window edges. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({ limit: fc.integer({ min: 1, max: 4 }), windowMs: fc.integer({ min: 5, max: 50 }) })
  .chain(({ limit, windowMs }) =>
    fc.record({
      limit: fc.constant(limit),
      windowMs: fc.constant(windowMs),
      waves: fc
        .array(
          fc.record({
            window: fc.integer({ min: 0, max: 3 }),
            offset: fc.oneof(fc.constantFrom(0, windowMs - 1), fc.integer({ min: 0, max: windowMs - 1 })),
            requests: fc.array(fc.record({ pop: fc.constantFrom(...POP_CODES), key: fc.constantFrom(...KEYS) }), { minLength: 1, maxLength: 7 }),
            evict: fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 },
        )
        .map((ws) =>
          ws.map((w) => ({ atMs: w.window * windowMs + w.offset, requests: w.requests, evict: w.evict })).sort((a, b) => a.atMs - b.atMs),
        ),
    }),
  );

/** Runs the waves; returns, per "key@window", how many requests came and how many were admitted. */
async function play(impl: Impl, s: fc.Scheduler, sc: Scenario): Promise<{ cells: Map<string, { offered: number; admitted: number }>; world: ReturnType<typeof scheduledWorld> }> {
  const clock = new VirtualClock(0);
  const env: LimiterEnv = { limit: sc.limit, windowMs: sc.windowMs, clock };
  const world = scheduledWorld(s, () => clock.nowMs(), (state) => new impl.RateLimiterObject(state, env));
  const cells = new Map<string, { offered: number; admitted: number }>();
  for (const wave of sc.waves) {
    clock.setMs(wave.atMs);
    const decisions = await s.waitFor(Promise.all(wave.requests.map((r) => impl.acquire(world.ns.forPop(r.pop), r.key))));
    wave.requests.forEach((r, i) => {
      const cell = `${r.key}@${Math.floor(wave.atMs / sc.windowMs)}`;
      const c = cells.get(cell) ?? { offered: 0, admitted: 0 };
      c.offered++;
      if (decisions[i]) c.admitted++;
      cells.set(cell, c);
    });
    if (wave.evict) {
      for (const key of KEYS) {
        const pop = world.runtime.locate(world.ns.idFromName(key));
        if (pop === undefined) continue;
        world.runtime.markRegionUnhealthy(pop);
        world.runtime.markRegionHealthy(pop);
      }
    }
  }
  return { cells, world };
}

export const suite = defineLevel<Impl>({
  kata: "q1-rate-limiter",
  level: 5,
  load: (m) => ({
    RateLimiterObject: requireExport<Impl["RateLimiterObject"]>(m, "RateLimiterObject", "class"),
    acquire: requireExport<Impl["acquire"]>(m, "acquire"),
  }),
  probe: async (impl) => {
    const clock = new VirtualClock(0);
    const s = fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 })[0]!;
    const world = scheduledWorld(s, () => clock.nowMs(), (state) => new impl.RateLimiterObject(state, { limit: 1, windowMs: 10, clock }));
    return s.waitFor(impl.acquire(world.ns.forPop("LHR"), "probe"));
  },
  properties: [
    {
      name: "holds the global limit exactly: per key and window, admitted = min(limit, requests), whatever the message order and restarts",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
            const { cells } = await play(impl, s, sc);
            for (const [cell, c] of cells) {
              const expected = Math.min(sc.limit, c.offered);
              if (c.admitted !== expected) {
                throw new Error(`${cell}: ${c.offered} requests, ${c.admitted} admitted; limit ${sc.limit} means exactly ${expected}\n${s.report().map((r) => r.label).join(" → ")}`);
              }
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "makes one round trip per decision, to the object named after the key",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
            const { world } = await play(impl, s, { ...sc, waves: sc.waves.map((w) => ({ ...w, evict: false })) });
            const offered = sc.waves.reduce((n, w) => n + w.requests.length, 0);
            if (world.calls.length !== offered) throw new Error(`${offered} decisions took ${world.calls.length} calls to Durable Objects; expected exactly one each`);
            const names = new Map(KEYS.map((k) => [world.ns.idFromName(k).toString(), k]));
            const perKey = new Map<string, number>();
            for (const call of world.calls) {
              const key = names.get(call.id);
              if (key === undefined) throw new Error(`a call went to object ${call.id.slice(0, 16)}…, which is not idFromName(key) for any key`);
              perKey.set(key, (perKey.get(key) ?? 0) + 1);
            }
            for (const key of KEYS) {
              const want = sc.waves.reduce((n, w) => n + w.requests.filter((r) => r.key === key).length, 0);
              if ((perKey.get(key) ?? 0) !== want) throw new Error(`key ${key}: ${want} decisions but ${perKey.get(key) ?? 0} calls to idFromName("${key}")`);
            }
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
  ],
});
