import fc from "fast-check";
import type { DurableObjectInstanceApi, DurableObjectNamespaceApi, DurableObjectStateApi } from "../../../src/core/bindings.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { VirtualClock, type Clock } from "../../../src/sim/index.js";
import { scheduledWorld } from "./do-world.js";
import { EPOCH_MS_MIN, printAs } from "./traffic.js";

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
/** Any string is a key: prototype names, "", non-ASCII, and keys that differ by one character. */
const KEY_POOL = ["a", "a1", "__proto__", "constructor", "", "é"] as const;

interface Wave {
  atMs: number;
  requests: Array<{ pop: string; key: string }>;
  /** Restart the objects after the wave (eviction, or a move to another PoP). */
  evict: boolean;
}
interface Scenario {
  limit: number;
  windowMs: number;
  keys: string[];
  waves: Wave[];
}

const show = (sc: Scenario): string =>
  `{ limit ${sc.limit}, windowMs ${sc.windowMs}, waves: ${sc.waves
    .map((w) => `@${w.atMs} ${w.requests.map((r) => `${r.pop}:${JSON.stringify(r.key)}`).join(" ")}${w.evict ? " (then restart)" : ""}`)
    .join("; ")} }`;

/**
 * Waves of concurrent requests from many PoPs, at times biased to window edges (the first and
 * last millisecond of a window), windows from 1 ms to an hour, clocks from 0 or epoch-like.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    limit: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 12 }) }),
    windowMs: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 50 }) }, { weight: 1, arbitrary: fc.constantFrom(1_000, 60_000, 3_600_000) }),
    keys: fc.shuffledSubarray([...KEY_POOL], { minLength: 1, maxLength: 2 }),
    epoch: fc.boolean(),
  })
  .chain(({ limit, windowMs, keys, epoch }) => {
    const baseMs = epoch ? Math.floor(EPOCH_MS_MIN / windowMs) * windowMs : 0;
    return fc
      .array(
        fc.record({
          window: fc.integer({ min: 0, max: 3 }),
          offset: fc.oneof(fc.constantFrom(0, windowMs - 1), fc.integer({ min: 0, max: windowMs - 1 })),
          requests: fc.array(fc.record({ pop: fc.constantFrom(...POP_CODES), key: fc.constantFrom(...keys) }), { minLength: 1, maxLength: 8 }),
          evict: fc.boolean(),
        }),
        { minLength: 1, maxLength: 4 },
      )
      .map((ws) => {
        const waves = ws.map((w) => ({ atMs: baseMs + w.window * windowMs + w.offset, requests: w.requests, evict: w.evict })).sort((a, b) => a.atMs - b.atMs);
        return printAs({ limit, windowMs, keys, waves }, show);
      });
  });

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
      const cell = `${JSON.stringify(r.key)}@${Math.floor(wave.atMs / sc.windowMs)}`;
      const c = cells.get(cell) ?? { offered: 0, admitted: 0 };
      c.offered++;
      if (decisions[i]) c.admitted++;
      cells.set(cell, c);
    });
    if (wave.evict) {
      for (const key of sc.keys) {
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
            const names = new Map(sc.keys.map((k) => [world.ns.idFromName(k).toString(), k]));
            const perKey = new Map<string, number>();
            for (const call of world.calls) {
              const key = names.get(call.id);
              if (key === undefined) throw new Error(`a call went to object ${call.id.slice(0, 16)}…, which is not idFromName(key) for any key`);
              perKey.set(key, (perKey.get(key) ?? 0) + 1);
            }
            for (const key of sc.keys) {
              const want = sc.waves.reduce((n, w) => n + w.requests.filter((r) => r.key === key).length, 0);
              if ((perKey.get(key) ?? 0) !== want) throw new Error(`key ${JSON.stringify(key)}: ${want} decisions but ${perKey.get(key) ?? 0} calls to idFromName(${JSON.stringify(key)})`);
            }
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
  ],
});
