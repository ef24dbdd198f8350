import fc from "fast-check";
import type { DurableObjectNamespaceApi, DurableObjectStubApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { VirtualClock } from "../../../src/sim/index.js";
import { scheduledWorld, type DoWorld } from "./do-world.js";
import { runTuningScenario, TUNING_SCENARIO, type HybridImpl, type HybridOptions } from "./hybrid-scenario.js";
import { EPOCH_MS_MIN, printAs } from "./traffic.js";

interface Impl extends HybridImpl {
  TUNING: { syncEveryRequests: number; syncEveryMs: number };
}

const POP_CODES = ["LHR", "IAD", "NRT", "SYD"] as const;
/** Per-key state kept in a plain object breaks on the prototype names; "" and non-ASCII are keys too. */
const KEY_POOL = ["a", "__proto__", "constructor", "", "é", "a1"] as const;
const NEVER_MS = 1e12;

interface Wave {
  atMs: number;
  /** Per PoP, the keys of its requests, in the order it receives them. */
  perPop: string[][];
  /** The object is unreachable during the wave (only where a property says so). */
  down: boolean;
  /** Restart the objects after the wave (eviction, or a move to another PoP). */
  evict: boolean;
}
interface Scenario {
  limit: number;
  windowMs: number;
  k: number;
  s: number;
  pops: string[];
  waves: Wave[];
}

const show = (sc: Scenario): string =>
  `{ L ${sc.limit}, W ${sc.windowMs} ms, k ${sc.k}, s ${sc.s === NEVER_MS ? "never" : `${sc.s} ms`}, PoPs ${sc.pops.join(",")}, waves: ${sc.waves
    .map((w) => `@${w.atMs}${w.down ? " (object down)" : ""}${w.evict ? " (then restart)" : ""} ${w.perPop.map((keys) => `[${keys.map((k) => JSON.stringify(k)).join(",")}]`).join(" ")}`)
    .join("; ")} }`;

/**
 * A few PoPs, each sending a burst per wave. Waves are spaced so they land exactly on the sync
 * timer (s − 1, s, s + 1 ms after the previous one), on window edges (the first and last
 * millisecond of a window), or anywhere; the clock starts at 0 or at an epoch-like time.
 */
function scenario(o: { pops?: { min: number; max: number }; down?: boolean; evict?: boolean; perPopMax?: number } = {}): fc.Arbitrary<Scenario> {
  return fc
    .record({
      limit: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 7, max: 20 }) }),
      windowMs: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 4, max: 40 }) }, { weight: 1, arbitrary: fc.constantFrom(1_000, 60_000, 3_600_000) }),
      k: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 5, max: 30 })),
      popCount: fc.integer({ min: o.pops?.min ?? 2, max: o.pops?.max ?? 4 }),
      sChoice: fc.constantFrom("never", "half", "one", "any"),
      sAny: fc.integer({ min: 1, max: 1_000_000 }),
      keys: fc.shuffledSubarray([...KEY_POOL], { minLength: 1, maxLength: 2 }),
      epoch: fc.boolean(),
    })
    .chain((c) => {
      const s = c.sChoice === "never" ? NEVER_MS : c.sChoice === "one" ? 1 : c.sChoice === "half" ? Math.ceil(c.windowMs / 2) : 1 + (c.sAny % c.windowMs);
      const baseMs = c.epoch ? Math.floor(EPOCH_MS_MIN / c.windowMs) * c.windowMs : 0;
      const gap = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom("same", "timer-1", "timer", "timer+1", "window-start", "window-end") },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * c.windowMs }) },
      );
      return fc
        .array(
          fc.record({
            gap,
            perPop: fc.array(fc.array(fc.constantFrom(...c.keys), { maxLength: o.perPopMax ?? 8 }), { minLength: c.popCount, maxLength: c.popCount }),
            down: o.down === true ? fc.boolean() : fc.constant(false),
            evict: o.evict === false ? fc.constant(false) : fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 },
        )
        .map((ws) => {
          let t = baseMs;
          const waves = ws.map((w, i): Wave => {
            if (i > 0) t = advance(t, w.gap, s, c.windowMs);
            return { atMs: t, perPop: w.perPop, down: w.down, evict: w.evict };
          });
          return printAs({ limit: c.limit, windowMs: c.windowMs, k: c.k, s, pops: POP_CODES.slice(0, c.popCount) as string[], waves }, show);
        });
    });
}

function advance(t: number, gap: string | number, s: number, windowMs: number): number {
  const timer = s === NEVER_MS ? 0 : s;
  switch (gap) {
    case "same": return t;
    case "timer-1": return t + Math.max(0, timer - 1);
    case "timer": return t + timer;
    case "timer+1": return t + timer + 1;
    case "window-start": return (Math.floor(t / windowMs) + 1) * windowMs;
    case "window-end": return Math.max(t, (Math.floor(t / windowMs) + 1) * windowMs - 1);
    default: return t + (gap as number);
  }
}

interface Cell {
  offered: number;
  admitted: number;
  rejected: number;
}

const optionsOf = (sc: Scenario, failMode: "open" | "closed"): HybridOptions => ({
  limit: sc.limit,
  windowMs: sc.windowMs,
  syncEveryRequests: sc.k,
  syncEveryMs: sc.s,
  failMode,
});

/**
 * The binding a PoP sees: the real namespace, except that while `down()` every call fails as if
 * the object's region were cut off. Counts the calls each key's object is asked for.
 */
function switchable(ns: DurableObjectNamespaceApi, down: () => boolean, onCall: (id: string) => void): DurableObjectNamespaceApi {
  const fail = (id: { toString(): string }): Promise<never> =>
    Promise.reject(new EdgeError("DO_UNREACHABLE", 503, `object ${id.toString().slice(0, 16)}… cannot be reached`));
  return {
    idFromName: (name) => ns.idFromName(name),
    newUniqueId: (options) => ns.newUniqueId(options),
    idFromString: (hex) => ns.idFromString(hex),
    get: (id): DurableObjectStubApi => {
      const stub = ns.get(id);
      return {
        id,
        fetch: (request) => (onCall(id.toString()), down() ? fail(id) : stub.fetch(request)),
        call: (method, ...args) => (onCall(id.toString()), down() ? fail(id) : stub.call(method, ...args)),
      };
    },
  };
}

interface Run {
  cells: Map<string, Cell>;
  world: DoWorld;
}

/**
 * Plays the waves. `serial`: each PoP handles its requests one at a time (PoPs concurrently);
 * otherwise every request of a wave starts at once. `decided` sees each decision in order.
 */
async function play(
  impl: Impl,
  sc: Scenario,
  o: {
    failMode: "open" | "closed";
    s?: fc.Scheduler;
    serial: boolean;
    cellOf?: (key: string, window: number, pop: string) => string;
    decided?: (d: { pop: string; key: string; atMs: number; down: boolean; ok: boolean; calls: number }) => void;
  },
): Promise<Run> {
  const clock = new VirtualClock(0);
  const scheduler = o.s ?? fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 })[0]!;
  const world = scheduledWorld(scheduler, () => clock.nowMs(), (state) => new impl.WindowTotalsObject(state));
  let down = false;
  let calls = 0;
  const limiters = sc.pops.map((pop) => new impl.PopLimiter(optionsOf(sc, o.failMode), switchable(world.ns.forPop(pop), () => down, () => calls++), clock));
  const cells = new Map<string, Cell>();
  const cellOf = o.cellOf ?? ((key: string, window: number): string => `${JSON.stringify(key)}@${window}`);
  for (const wave of sc.waves) {
    clock.setMs(wave.atMs);
    down = wave.down;
    const window = Math.floor(wave.atMs / sc.windowMs);
    const record = (p: number, key: string, ok: boolean, before: number): void => {
      const id = cellOf(key, window, sc.pops[p]!);
      const c = cells.get(id) ?? { offered: 0, admitted: 0, rejected: 0 };
      c.offered++;
      if (ok) c.admitted++;
      else c.rejected++;
      cells.set(id, c);
      o.decided?.({ pop: sc.pops[p]!, key, atMs: wave.atMs, down: wave.down, ok, calls: calls - before });
    };
    const loops = wave.perPop.map(async (keys, p) => {
      if (o.serial) {
        for (const key of keys) {
          const before = calls;
          record(p, key, await limiters[p]!.tryAcquire(key), before);
        }
      } else {
        await Promise.all(keys.map(async (key) => record(p, key, await limiters[p]!.tryAcquire(key), calls)));
      }
    });
    await scheduler.waitFor(Promise.all(loops));
    if (wave.evict) restartObjects(world, sc);
  }
  return { cells, world };
}

/** Evicts every placed object: the next call starts a new instance over the same storage. */
function restartObjects(world: DoWorld, sc: Scenario): void {
  const keys = new Set(sc.waves.flatMap((w) => w.perPop.flat()));
  for (const key of keys) {
    const pop = world.runtime.locate(world.ns.idFromName(key));
    if (pop === undefined) continue;
    world.runtime.markRegionUnhealthy(pop);
    world.runtime.markRegionHealthy(pop);
  }
}

/**
 * The rules of the level for ONE PoP handling its requests one at a time, written as plainly
 * as possible: with one PoP the count it decides from is exact, so only the sync schedule and
 * the fail mode matter. A request syncs when it is the first of its key's window, or the k-th
 * request since the last successful sync (itself included), or s ms or more have passed since
 * the last successful sync started; a failed sync changes no counter, so the next request
 * syncs again.
 */
class OnePopModel {
  readonly #keys = new Map<string, { window: number; sinceSync: number; lastSyncMs: number; admitted: number }>();

  constructor(readonly sc: Scenario, readonly failMode: "open" | "closed") {}

  next(key: string, atMs: number, down: boolean): { syncs: boolean; admitted: boolean } {
    const window = Math.floor(atMs / this.sc.windowMs);
    let st = this.#keys.get(key);
    if (st === undefined || st.window !== window) {
      st = { window, sinceSync: 0, lastSyncMs: Number.NEGATIVE_INFINITY, admitted: 0 };
      this.#keys.set(key, st);
    }
    st.sinceSync++;
    const syncs = st.lastSyncMs === Number.NEGATIVE_INFINITY || st.sinceSync >= this.sc.k || atMs - st.lastSyncMs >= this.sc.s;
    if (syncs && !down) {
      st.sinceSync = 0;
      st.lastSyncMs = atMs;
    }
    const admitted = syncs && down && this.failMode === "closed" ? false : st.admitted < this.sc.limit;
    if (admitted) st.admitted++;
    return { syncs, admitted };
  }
}

/** A hand-written one-PoP scenario: waves of [atMs, keys, object down?]. */
function onePop(limit: number, windowMs: number, k: number, s: number, waves: ReadonlyArray<readonly [number, string[], boolean?]>): Scenario {
  return printAs(
    { limit, windowMs, k, s, pops: ["LHR"], waves: waves.map(([atMs, keys, down]) => ({ atMs, perPop: [keys], down: down === true, evict: false })) },
    show,
  );
}

// Exact cases for the sync rules: exactly s ms after the last sync (and s − 1); exactly the
// k-th request; the first request of a new window; an outage in the middle of a window and the
// retry after it; a prototype name as the key.
const ONE_POP_CASES: Array<[Scenario, "open" | "closed"]> = [
  [onePop(5, 40, 10, 5, [[0, ["a"]], [4, ["a"]], [5, ["a"]], [9, ["a"]], [10, ["a"]]]), "open"],
  [onePop(10, 100, 3, NEVER_MS, [[0, ["a", "a", "a", "a", "a", "a", "a"]], [99, ["a"]], [100, ["a", "a"]]]), "open"],
  [onePop(3, 100, 3, NEVER_MS, [[0, ["a"]], [1, ["a", "a", "a"], true], [2, ["a", "a", "a"]]]), "closed"],
  [onePop(3, 100, 3, NEVER_MS, [[0, ["a"]], [1, ["a", "a", "a"], true], [2, ["a", "a", "a"]]]), "open"],
  [onePop(2, 10, 2, NEVER_MS, [[0, ["__proto__", "constructor", "__proto__", "constructor", "__proto__"]]]), "open"],
];

/** One object, called directly with the documented protocol: POST {window, delta, limit}. */
interface Post {
  key: string;
  window: number;
  delta: number;
  evictAfter: boolean;
}

const protocolScenario = fc
  .record({
    limit: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 10_000 })),
    keys: fc.shuffledSubarray([...KEY_POOL], { minLength: 1, maxLength: 2 }),
  })
  .chain(({ limit, keys }) =>
    fc.record({
      limit: fc.constant(limit),
      posts: fc.array(
        fc.record({
          key: fc.constantFrom(...keys),
          window: fc.integer({ min: 0, max: 3 }),
          delta: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.constantFrom(limit - 1, limit, limit + 1), fc.integer({ min: 0, max: limit + 1 })),
          evictAfter: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  )
  .map((p) => printAs(p, (v) => `{ limit ${v.limit}, posts: ${v.posts.map((x) => `${JSON.stringify(x.key)} w${x.window} +${x.delta}${x.evictAfter ? " (restart)" : ""}`).join(", ")} }`));

export const suite = defineLevel<Impl>({
  kata: "q1-rate-limiter",
  level: 6,
  load: (m) => {
    const tuning = m.TUNING as Impl["TUNING"] | undefined;
    if (typeof tuning?.syncEveryRequests !== "number" || typeof tuning.syncEveryMs !== "number") {
      throw new TypeError("expected the module to export `TUNING = { syncEveryRequests, syncEveryMs }`");
    }
    return {
      WindowTotalsObject: requireExport<Impl["WindowTotalsObject"]>(m, "WindowTotalsObject", "class"),
      PopLimiter: requireExport<Impl["PopLimiter"]>(m, "PopLimiter", "class"),
      TUNING: tuning,
    };
  },
  probe: async (impl) => {
    const sc: Scenario = { limit: 1, windowMs: 10, k: 1, s: NEVER_MS, pops: ["LHR"], waves: [{ atMs: 0, perPop: [["p"]], down: false, evict: false }] };
    return play(impl, sc, { failMode: "open", serial: true });
  },
  properties: [
    {
      name: "WindowTotalsObject: POST {window, delta, limit} adds delta, reserves one while the total is below limit, answers {total, granted}; a late window changes nothing; totals survive restarts",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(protocolScenario, async (p) => {
            const s = fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 })[0]!;
            const world = scheduledWorld(s, () => 0, (state) => new impl.WindowTotalsObject(state));
            const model = new Map<string, { window: number; total: number }>();
            for (const [i, post] of p.posts.entries()) {
              const stub = world.ns.forPop("LHR").get(world.ns.idFromName(post.key));
              const body = JSON.stringify({ window: post.window, delta: post.delta, limit: p.limit });
              const response = await s.waitFor(stub.fetch(new Request("https://window-totals.internal/sync", { method: "POST", body })));
              const got = (await response.json()) as { total?: unknown; granted?: unknown };
              const m = model.get(post.key) ?? { window: Number.NEGATIVE_INFINITY, total: 0 };
              const what = `post #${i} to the object of ${JSON.stringify(post.key)} {window ${post.window}, delta ${post.delta}, limit ${p.limit}}`;
              if (post.window < m.window) {
                if (got.granted !== false) throw new Error(`${what}: window ${m.window} has already started there, so this late report must not be granted; got ${JSON.stringify(got)}`);
              } else {
                const total = (post.window === m.window ? m.total : 0) + post.delta;
                const granted = total < p.limit;
                const want = { total: granted ? total + 1 : total, granted };
                if (got.total !== want.total || got.granted !== want.granted) {
                  throw new Error(`${what}: expected ${JSON.stringify(want)} (window total before: ${post.window === m.window ? m.total : 0}), got ${JSON.stringify(got)}`);
                }
                model.set(post.key, { window: post.window, total: want.total });
              }
              if (post.evictAfter) {
                const pop = world.runtime.locate(world.ns.idFromName(post.key));
                if (pop !== undefined) {
                  world.runtime.markRegionUnhealthy(pop);
                  world.runtime.markRegionHealthy(pop);
                }
              }
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "one PoP, one request at a time: syncs exactly when the rules say (first of the window, k-th request, s ms), and admits what an exact counter would, in either fail mode, across outages and restarts",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(scenario({ pops: { min: 1, max: 1 }, down: true }), fc.constantFrom("open" as const, "closed" as const), async (sc, failMode) => {
            const model = new OnePopModel(sc, failMode);
            let n = 0;
            await play(impl, sc, {
              failMode,
              serial: true,
              decided: (d) => {
                const want = model.next(d.key, d.atMs, d.down);
                const what = `request #${n++} (key ${JSON.stringify(d.key)}, ${d.atMs} ms, window ${Math.floor(d.atMs / sc.windowMs)}${d.down ? ", object unreachable" : ""}, fail-${failMode})`;
                if ((d.calls > 0) !== want.syncs) {
                  throw new Error(`${what}: ${want.syncs ? "must sync (first of its window, k-th request since the last sync, s ms since it, or retry after a failed one)" : "must be decided locally (no sync is due)"}; it made ${d.calls} call(s) to the object`);
                }
                if (d.calls > 1) throw new Error(`${what}: made ${d.calls} calls to the object; a sync is one call`);
                if (d.ok !== want.admitted) throw new Error(`${what}: must be ${want.admitted ? "admitted" : "rejected"}; it was ${d.ok ? "admitted" : "rejected"}`);
              },
            });
          }),
          ctx,
          { numRuns: 100, examples: ONE_POP_CASES },
        ),
    },
    {
      name: "with the object unreachable, fail-open limits each PoP locally (min(L, n)) and fail-closed admits nothing",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(scenario({ evict: false }), fc.constantFrom("open" as const, "closed" as const), async (sc0, mode) => {
            const sc = { ...sc0, waves: sc0.waves.map((w) => ({ ...w, down: true })) };
            const { cells } = await play(impl, sc, { failMode: mode, serial: true, cellOf: (key, window, pop) => `${pop}/${JSON.stringify(key)}@${window}` });
            for (const [cell, c] of cells) {
              const want = mode === "open" ? Math.min(sc.limit, c.offered) : 0;
              if (c.admitted !== want) throw new Error(`fail-${mode}, ${cell}: admitted ${c.admitted} of ${c.offered}; the declared policy means ${want}`);
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "per window, admitted ≤ L + (P − 1)·min(k, L), and never rejects while the window's true total is below L (objects restarting)",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario(), async (s, sc) => {
            const { cells } = await play(impl, sc, { failMode: "open", s, serial: true });
            const bound = sc.limit + (sc.pops.length - 1) * Math.min(sc.k, sc.limit);
            for (const [cell, c] of cells) {
              if (c.admitted > bound) throw new Error(`${cell}: admitted ${c.admitted} of ${c.offered} > L + (P − 1)·min(k, L) = ${bound} (L ${sc.limit}, P ${sc.pops.length}, k ${sc.k})`);
              if (c.rejected > 0 && c.admitted < sc.limit) throw new Error(`${cell}: rejected ${c.rejected} request(s) although only ${c.admitted} < L = ${sc.limit} were admitted in the window (a false reject)`);
            }
          }),
          ctx,
          { numRuns: 50 },
        ),
    },
    {
      name: "is exact when syncing on every request (k = 1): admitted = min(L, requests), objects restarting",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario(), async (s, sc0) => {
            const sc = { ...sc0, k: 1 };
            for (const [cell, c] of (await play(impl, sc, { failMode: "open", s, serial: true })).cells) {
              const want = Math.min(sc.limit, c.offered);
              if (c.admitted !== want) throw new Error(`${cell}: k = 1 admitted ${c.admitted} of ${c.offered}; exactly ${want} expected`);
            }
          }),
          ctx,
          { numRuns: 25 },
        ),
    },
    {
      name: "one PoP serving requests concurrently admits at most L + 1 per window (only the one sync in flight can miss local admissions)",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario({ pops: { min: 1, max: 1 }, evict: false, perPopMax: 12 }), async (s, sc) => {
            for (const [cell, c] of (await play(impl, sc, { failMode: "open", s, serial: false })).cells) {
              if (c.admitted > sc.limit + 1) throw new Error(`${cell}: one PoP admitted ${c.admitted} of ${c.offered} > L + 1 = ${sc.limit + 1}: admissions made while a sync was in flight were lost (subtract only the reported delta from pending)`);
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: `TUNING keeps overshoot < ${TUNING_SCENARIO.overshootMax * 100}% and p99 added latency ≤ ${TUNING_SCENARIO.p99AddedMsMax} ms in the README's scenario`,
      run: async (impl) => {
        const r = await runTuningScenario(impl, impl.TUNING);
        const what = `k = ${impl.TUNING.syncEveryRequests}, s = ${impl.TUNING.syncEveryMs} ms: overshoot ${(r.overshoot * 100).toFixed(2)}%, p99 added ${r.p99AddedMs.toFixed(1)} ms, ${(r.syncShare * 100).toFixed(2)}% of requests synced`;
        if (r.overshoot >= TUNING_SCENARIO.overshootMax) throw new Error(`${what}: overshoot too high (sync more often)`);
        if (r.p99AddedMs > TUNING_SCENARIO.p99AddedMsMax) throw new Error(`${what}: p99 added latency too high (sync less often)`);
      },
    },
  ],
});
