import fc from "fast-check";
import type { DurableObjectNamespaceApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { VirtualClock } from "../../../src/sim/index.js";
import { scheduledWorld } from "./do-world.js";
import { runTuningScenario, TUNING_SCENARIO, type HybridImpl, type HybridOptions } from "./hybrid-scenario.js";

interface Impl extends HybridImpl {
  TUNING: { syncEveryRequests: number; syncEveryMs: number };
}

const POP_CODES = ["LHR", "IAD", "NRT", "SYD"] as const;
const KEYS = ["a", "b"] as const;

interface Wave {
  atMs: number;
  /** Per PoP, the keys of its requests, handled one at a time. */
  perPop: string[][];
}
interface Scenario {
  limit: number;
  windowMs: number;
  k: number;
  s: number;
  pops: string[];
  waves: Wave[];
}

/** A few PoPs, each sending a burst per wave; waves at times biased to window edges. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    limit: fc.integer({ min: 1, max: 6 }),
    windowMs: fc.integer({ min: 4, max: 40 }),
    k: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 4 })),
    popCount: fc.integer({ min: 2, max: 4 }),
    sChoice: fc.constantFrom("never", "half", "one"),
  })
  .chain((o) =>
    fc.record({
      limit: fc.constant(o.limit),
      windowMs: fc.constant(o.windowMs),
      k: fc.constant(o.k),
      s: fc.constant(o.sChoice === "never" ? 1e9 : o.sChoice === "one" ? 1 : Math.ceil(o.windowMs / 2)),
      pops: fc.constant(POP_CODES.slice(0, o.popCount) as unknown as string[]),
      waves: fc
        .array(
          fc.record({
            window: fc.integer({ min: 0, max: 2 }),
            offset: fc.oneof(fc.constantFrom(0, o.windowMs - 1), fc.integer({ min: 0, max: o.windowMs - 1 })),
            perPop: fc.array(fc.array(fc.constantFrom(...KEYS), { maxLength: 8 }), { minLength: o.popCount, maxLength: o.popCount }),
          }),
          { minLength: 1, maxLength: 3 },
        )
        .map((ws) => ws.map((w) => ({ atMs: w.window * o.windowMs + w.offset, perPop: w.perPop })).sort((a, b) => a.atMs - b.atMs)),
    }),
  );

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

/** Plays the waves; each PoP handles its requests one at a time, PoPs run concurrently. */
async function play(
  impl: Impl,
  sc: Scenario,
  failMode: "open" | "closed",
  s: fc.Scheduler | undefined,
  cellOf: (key: string, window: number, pop: string) => string,
): Promise<Map<string, Cell>> {
  const clock = new VirtualClock(0);
  const scheduler = s ?? fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 })[0]!;
  const world = scheduledWorld(scheduler, () => clock.nowMs(), (state) => new impl.WindowTotalsObject(state));
  const nsFor = (pop: string): DurableObjectNamespaceApi => (s !== undefined ? world.ns.forPop(pop) : unreachable(world.ns.forPop(pop)));
  const limiters = sc.pops.map((pop) => new impl.PopLimiter(optionsOf(sc, failMode), nsFor(pop), clock));
  const cells = new Map<string, Cell>();
  for (const wave of sc.waves) {
    clock.setMs(wave.atMs);
    const window = Math.floor(wave.atMs / sc.windowMs);
    const loops = wave.perPop.map(async (keys, p) => {
      for (const key of keys) {
        const ok = await limiters[p]!.tryAcquire(key);
        const id = cellOf(key, window, sc.pops[p]!);
        const c = cells.get(id) ?? { offered: 0, admitted: 0, rejected: 0 };
        c.offered++;
        if (ok) c.admitted++;
        else c.rejected++;
        cells.set(id, c);
      }
    });
    await scheduler.waitFor(Promise.all(loops));
  }
  return cells;
}

/** The same binding, but every call fails as if the object's region were cut off. */
function unreachable(ns: DurableObjectNamespaceApi): DurableObjectNamespaceApi {
  return {
    idFromName: (name) => ns.idFromName(name),
    newUniqueId: (o) => ns.newUniqueId(o),
    idFromString: (hex) => ns.idFromString(hex),
    get: (id) => ({
      id,
      fetch: () => Promise.reject(new EdgeError("DO_UNREACHABLE", 503, `object ${id.toString().slice(0, 16)}… cannot be reached`)),
      call: () => Promise.reject(new EdgeError("DO_UNREACHABLE", 503, `object ${id.toString().slice(0, 16)}… cannot be reached`)),
    }),
  };
}

const perWindow = (key: string, window: number): string => `${key}@${window}`;

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
    const sc: Scenario = { limit: 1, windowMs: 10, k: 1, s: 1e9, pops: ["LHR"], waves: [{ atMs: 0, perPop: [["p"]] }] };
    return play(impl, sc, "open", fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 })[0]!, perWindow);
  },
  properties: [
    {
      name: "with the object unreachable, fail-open limits each PoP locally (min(L, n)) and fail-closed admits nothing",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(scenario, fc.constantFrom("open" as const, "closed" as const), async (sc, mode) => {
            const cells = await play(impl, sc, mode, undefined, (key, window, pop) => `${pop}/${key}@${window}`);
            for (const [cell, c] of cells) {
              const want = mode === "open" ? Math.min(sc.limit, c.offered) : 0;
              if (c.admitted !== want) throw new Error(`fail-${mode}, ${cell}: admitted ${c.admitted} of ${c.offered}; the declared policy means ${want}`);
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "per window, admitted ≤ L + (P − 1)·min(k, L), and never rejects while the window's true total is below L",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
            const cells = await play(impl, sc, "open", s, perWindow);
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
      name: "is exact when syncing on every request (k = 1): admitted = min(L, requests)",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), scenario, async (s, sc0) => {
            const sc = { ...sc0, k: 1 };
            for (const [cell, c] of await play(impl, sc, "open", s, perWindow)) {
              const want = Math.min(sc.limit, c.offered);
              if (c.admitted !== want) throw new Error(`${cell}: k = 1 admitted ${c.admitted} of ${c.offered}; exactly ${want} expected`);
            }
          }),
          ctx,
          { numRuns: 25 },
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
