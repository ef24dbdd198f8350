import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { identifierSet } from "./identifiers.js";

interface Acquired {
  cold: boolean;
  evicted: string[];
}
interface Pool {
  acquire(scriptId: string, sizeBytes: number): Acquired;
  release(scriptId: string): void;
  inFlight(scriptId: string): number;
  resident(): string[];
  memoryBytes(): number;
}
type Make = (options: { memoryBytesMax: number }) => Pool;

/** The model: an array in LRU order. Simpler than a pool, and obviously right. */
interface ModelEntry {
  id: string;
  size: number;
  inFlight: number;
}
interface Model {
  max: number;
  entries: ModelEntry[];
}

const show = (x: unknown): string => JSON.stringify(x);
const used = (model: Model): number => model.entries.reduce((s, e) => s + e.size, 0);

/** The refusal the level documents: an EdgeError-like value with this code, status and a message naming the script. */
function expectRefusal(error: unknown, code: string, status: number, scriptId: string, what: string): void {
  const e = error as { code?: unknown; status?: unknown; message?: unknown };
  if (typeof error !== "object" || error === null || e.code !== code) throw new Error(`${what} threw ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}; expected an EdgeError with code ${code}`);
  if (e.status !== status) throw new Error(`${what} threw ${code} with status ${show(e.status)}; expected ${status}`);
  if (typeof e.message !== "string" || e.message === "" || (scriptId !== "" && !e.message.includes(scriptId))) {
    throw new Error(`${what} threw ${code} with message ${show(e.message)}; it must name the script ${show(scriptId)}`);
  }
}

/** What acquire must do, applied to the model; "POOL_EXHAUSTED" leaves the model untouched. */
function expectedAcquire(model: Model, id: string, size: number): Acquired | "POOL_EXHAUSTED" {
  const existing = model.entries.find((e) => e.id === id);
  const evicted: string[] = [];
  let over = used(model) - (existing?.size ?? 0) + size - model.max;
  for (const e of model.entries) {
    if (over <= 0) break;
    if (e.id === id || e.inFlight > 0) continue;
    evicted.push(e.id);
    over -= e.size;
  }
  if (over > 0) return "POOL_EXHAUSTED";
  model.entries = model.entries.filter((e) => !evicted.includes(e.id) && e.id !== id);
  model.entries.push({ id, size, inFlight: (existing?.inFlight ?? 0) + 1 });
  return { cold: existing === undefined, evicted };
}

/**
 * How big an acquire is. Fixed sizes, or sizes computed from the pool's state when the command
 * runs, to land exactly on the boundaries: filling the budget to the byte (`fill` 0), one byte
 * over it (`fill` 1), or over it by exactly the least recently used idle isolate's size, so
 * that evicting that one isolate frees exactly what is needed.
 */
type SizeSpec = { kind: "fixed"; units: number } | { kind: "fill"; extra: 0 | 1 } | { kind: "fill-lru" };

interface World {
  models: Model[];
  ids: readonly string[];
  unit: number;
}
interface Pools {
  pools: Pool[];
}

function sizeOf(spec: SizeSpec, model: Model, id: string, unit: number): number {
  if (spec.kind === "fixed") return spec.units * unit;
  const others = used(model) - (model.entries.find((e) => e.id === id)?.size ?? 0);
  const lruIdle = model.entries.find((e) => e.id !== id && e.inFlight === 0)?.size ?? 0;
  const size = model.max - others + (spec.kind === "fill" ? spec.extra : lruIdle);
  return Math.max(1, size);
}

/** After every command, both pools must show exactly their model's state. */
function agree(world: World, real: Pools, after: string): void {
  world.models.forEach((model, p) => {
    const pool = real.pools[p] as Pool;
    const order = model.entries.map((e) => e.id);
    if (show(pool.resident()) !== show(order)) throw new Error(`after ${after}: pool ${p} resident() is ${show(pool.resident())}; expected LRU order ${show(order)}`);
    if (pool.memoryBytes() !== used(model)) throw new Error(`after ${after}: pool ${p} memoryBytes() is ${pool.memoryBytes()}; its resident isolates hold ${used(model)}`);
    for (const id of world.ids) {
      const want = model.entries.find((e) => e.id === id)?.inFlight ?? 0;
      if (pool.inFlight(id) !== want) throw new Error(`after ${after}: pool ${p} inFlight(${show(id)}) is ${show(pool.inFlight(id))}; expected ${want}`);
    }
  });
}

class AcquireCmd implements fc.Command<World, Pools> {
  constructor(readonly pool: number, readonly id: string, readonly spec: SizeSpec) {}
  check(): boolean {
    return true;
  }
  run(world: World, real: Pools): void {
    const model = world.models[this.pool] as Model;
    const size = sizeOf(this.spec, model, this.id, world.unit);
    const what = `pool ${this.pool} (budget ${model.max}): acquire(${show(this.id)}, ${size})`;
    const want = expectedAcquire(model, this.id, size);
    let got: Acquired | undefined;
    try {
      got = (real.pools[this.pool] as Pool).acquire(this.id, size);
    } catch (error) {
      if (want !== "POOL_EXHAUSTED") throw new Error(`${what} threw ${error instanceof Error ? error.message : show(error)}; expected ${show(want)}`);
      expectRefusal(error, "POOL_EXHAUSTED", 503, this.id, what);
    }
    if (got !== undefined && show({ cold: got.cold, evicted: got.evicted }) !== show(want)) throw new Error(`${what} returned ${show(got)}; expected ${show(want)}`);
    agree(world, real, what);
  }
  toString(): string {
    const s = this.spec.kind === "fixed" ? `${this.spec.units} units` : this.spec.kind === "fill" ? `fill+${this.spec.extra}` : "fill+lru";
    return `acquire#${this.pool}(${show(this.id)}, ${s})`;
  }
}

/** Any id, busy or not: releasing one with nothing in flight is the documented NOT_IN_FLIGHT. */
class ReleaseCmd implements fc.Command<World, Pools> {
  constructor(readonly pool: number, readonly id: string) {}
  check(): boolean {
    return true;
  }
  run(world: World, real: Pools): void {
    const model = world.models[this.pool] as Model;
    const entry = model.entries.find((e) => e.id === this.id);
    const what = `pool ${this.pool}: release(${show(this.id)}) with ${entry?.inFlight ?? 0} in flight${entry === undefined ? " (not resident)" : ""}`;
    let threw: unknown;
    try {
      (real.pools[this.pool] as Pool).release(this.id);
    } catch (error) {
      threw = error ?? new Error("threw undefined");
    }
    if (entry !== undefined && entry.inFlight > 0) {
      if (threw !== undefined) throw new Error(`${what} threw ${threw instanceof Error ? threw.message : show(threw)}`);
      entry.inFlight--;
    } else {
      if (threw === undefined) throw new Error(`${what} returned; expected NOT_IN_FLIGHT`);
      expectRefusal(threw, "NOT_IN_FLIGHT", 500, this.id, what);
    }
    agree(world, real, what);
  }
  toString(): string {
    return `release#${this.pool}(${show(this.id)})`;
  }
}

interface Setup {
  budgets: [number, number];
  unit: number;
  ids: string[];
}

/**
 * Budgets of a few isolates (where eviction happens all the time) in bytes or in MiB, so sums
 * reach realistic sizes (a 128 MiB pool of 1–40 MiB heaps) as well as tiny ones.
 */
const setup: fc.Arbitrary<Setup> = fc.record({
  budgets: fc.tuple(fc.oneof(fc.constantFrom(4, 8, 16), fc.integer({ min: 1, max: 24 })), fc.integer({ min: 2, max: 16 })),
  unit: fc.constantFrom(1, 1, 1 << 20, 1_000_003),
  ids: identifierSet(3),
});

function commandsFor(s: Setup): fc.Arbitrary<Iterable<fc.Command<World, Pools>>> {
  const id = fc.constantFrom(...s.ids);
  // Pool 1 gets one command in four: enough to interleave, while pool 0 sees long runs.
  const pool = fc.constantFrom(0, 0, 0, 1);
  const maxUnits = Math.max(...s.budgets);
  const spec: fc.Arbitrary<SizeSpec> = fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: Math.max(1, Math.ceil(maxUnits / 2)) }).map((units) => ({ kind: "fixed" as const, units })), weight: 6 },
    { arbitrary: fc.constantFrom(1, maxUnits, maxUnits + 1).map((units) => ({ kind: "fixed" as const, units })), weight: 1 },
    { arbitrary: fc.constantFrom(0 as const, 1 as const).map((extra) => ({ kind: "fill" as const, extra })), weight: 2 },
    { arbitrary: fc.constant({ kind: "fill-lru" as const }), weight: 2 },
  );
  return fc.commands(
    [
      fc.tuple(pool, id, spec).map(([p, i, sz]) => new AcquireCmd(p, i, sz)),
      fc.tuple(pool, id).map(([p, i]) => new ReleaseCmd(p, i)),
    ],
    { maxCommands: 60, size: "large" },
  );
}

const scenario = setup.chain((s) => commandsFor(s).map((cmds) => ({ s, cmds })));

function runScenario(make: Make, s: Setup, cmds: Iterable<fc.Command<World, Pools>>): void {
  const models = s.budgets.map((b) => ({ max: b * s.unit, entries: [] }));
  fc.modelRun(() => ({ model: { models, ids: s.ids, unit: s.unit }, real: { pools: models.map((m) => make({ memoryBytesMax: m.max })) } }), cmds);
}

/** Exact boundaries, each spelled out, so a learner sees the rule that broke. */
function boundaryCases(make: Make): void {
  const expectAcquire = (pool: Pool, id: string, size: number, want: Acquired, why: string): void => {
    let got: Acquired;
    try {
      got = pool.acquire(id, size);
    } catch (error) {
      throw new Error(`${why}: acquire(${show(id)}, ${size}) threw ${error instanceof Error ? error.message : show(error)}; expected ${show(want)}`);
    }
    if (show({ cold: got.cold, evicted: got.evicted }) !== show(want)) throw new Error(`${why}: acquire(${show(id)}, ${size}) returned ${show(got)}; expected ${show(want)}`);
  };
  const expectExhausted = (pool: Pool, id: string, size: number, why: string): void => {
    const before = show([pool.resident(), pool.memoryBytes()]);
    try {
      pool.acquire(id, size);
    } catch (error) {
      expectRefusal(error, "POOL_EXHAUSTED", 503, id, `${why}: acquire(${show(id)}, ${size})`);
      const after = show([pool.resident(), pool.memoryBytes()]);
      if (after !== before) throw new Error(`${why}: a refused acquire changed the pool from ${before} to ${after}`);
      return;
    }
    throw new Error(`${why}: acquire(${show(id)}, ${size}) succeeded; expected POOL_EXHAUSTED`);
  };
  // A script bigger than the whole budget, on an empty pool.
  expectExhausted(make({ memoryBytesMax: 10 }), "big", 11, "a script larger than the budget on an empty pool");
  // Exactly the budget fits.
  expectAcquire(make({ memoryBytesMax: 10 }), "whole", 10, { cold: true, evicted: [] }, "a script exactly the size of the budget");
  // Freeing exactly the overflow stops there (a(5), b(5) idle; c(5) needs exactly a's 5 bytes).
  let pool = make({ memoryBytesMax: 10 });
  expectAcquire(pool, "a", 5, { cold: true, evicted: [] }, "exact eviction");
  pool.release("a");
  expectAcquire(pool, "b", 5, { cold: true, evicted: [] }, "exact eviction");
  pool.release("b");
  expectAcquire(pool, "c", 5, { cold: true, evicted: ["a"] }, "evicting a(5) frees exactly the 5 bytes c needs");
  // A hit that grows past the budget makes room like an insert; the script itself is never evicted.
  pool = make({ memoryBytesMax: 10 });
  expectAcquire(pool, "a", 4, { cold: true, evicted: [] }, "growth on a hit");
  pool.release("a");
  expectAcquire(pool, "b", 4, { cold: true, evicted: [] }, "growth on a hit");
  pool.release("b");
  expectAcquire(pool, "b", 7, { cold: false, evicted: ["a"] }, "b grows from 4 to 7 bytes: a must go");
  if (pool.memoryBytes() !== 7) throw new Error(`after b grew to 7 bytes alone in the pool, memoryBytes() is ${pool.memoryBytes()}`);
  expectExhausted(pool, "b", 11, "b, in flight, asks to grow past the whole budget");
  // Refusing changes nothing: no eviction before the refusal (a(4) idle, b(6) busy, c(8) cannot fit).
  pool = make({ memoryBytesMax: 10 });
  expectAcquire(pool, "a", 4, { cold: true, evicted: [] }, "a refusal evicts nothing");
  pool.release("a");
  expectAcquire(pool, "b", 6, { cold: true, evicted: [] }, "a refusal evicts nothing");
  expectExhausted(pool, "c", 8, "a(4) idle and b(6) busy leave no room for c(8)");
  // Release does not change recency: a used after b stays the most recent even when b is released last.
  pool = make({ memoryBytesMax: 3 });
  expectAcquire(pool, "b", 1, { cold: true, evicted: [] }, "release does not change recency");
  expectAcquire(pool, "a", 1, { cold: true, evicted: [] }, "release does not change recency");
  pool.release("a");
  pool.release("b");
  expectAcquire(pool, "c", 2, { cold: true, evicted: ["b"] }, "b was acquired before a; releasing it last does not make it recent");
  // A hit makes the script the most recent: a, b, then a again; c's room comes from b.
  pool = make({ memoryBytesMax: 2 });
  for (const id of ["a", "b", "a"]) {
    pool.acquire(id, 1);
    pool.release(id);
  }
  expectAcquire(pool, "c", 1, { cold: true, evicted: ["b"] }, "a was used after b, so b is the least recently used");
  // Recency is the order of use, whatever the ids look like ("7" is integer-like, "__proto__" a prototype name).
  pool = make({ memoryBytesMax: 3 });
  for (const id of ["b", "7", "__proto__"]) {
    pool.acquire(id, 1);
    pool.release(id);
  }
  if (show(pool.resident()) !== show(["b", "7", "__proto__"])) throw new Error(`after using "b", "7", "__proto__" in that order, resident() is ${show(pool.resident())}`);
  expectAcquire(pool, "c", 1, { cold: true, evicted: ["b"] }, `"b" was used before "7" and "__proto__"`);
  // Releasing what is not in flight: never acquired, or already released.
  pool = make({ memoryBytesMax: 4 });
  for (const id of ["x", "constructor", ""]) {
    try {
      pool.release(id);
    } catch (error) {
      expectRefusal(error, "NOT_IN_FLIGHT", 500, id, `release(${show(id)}) on an empty pool`);
      continue;
    }
    throw new Error(`release(${show(id)}) on an empty pool returned; expected NOT_IN_FLIGHT`);
  }
  pool.acquire("a", 1);
  pool.release("a");
  try {
    pool.release("a");
  } catch (error) {
    expectRefusal(error, "NOT_IN_FLIGHT", 500, "a", `a second release("a") after one acquire`);
    if (pool.inFlight("a") !== 0 || show(pool.resident()) !== show(["a"])) throw new Error(`a refused release changed the pool: inFlight ${pool.inFlight("a")}, resident ${show(pool.resident())}`);
  }
  if (pool.inFlight("a") !== 0) throw new Error(`after one acquire and two releases of a, inFlight("a") is ${pool.inFlight("a")}`);
  // Two requests on one script: the first release leaves it in flight.
  pool = make({ memoryBytesMax: 2 });
  expectAcquire(pool, "a", 1, { cold: true, evicted: [] }, "two requests in flight");
  expectAcquire(pool, "a", 1, { cold: false, evicted: [] }, "two requests in flight");
  pool.release("a");
  if (pool.inFlight("a") !== 1) throw new Error(`two acquires and one release of a leave inFlight("a") = ${pool.inFlight("a")}; expected 1`);
  expectExhausted(pool, "b", 2, "a (1 byte) still has a request in flight, so b (2 bytes) cannot fit");
}

export const suite = defineLevel<Make>({
  kata: "q3-isolates",
  level: 2,
  load: (m) => {
    const Ctor = requireExport<new (o: { memoryBytesMax: number }) => Pool>(m, "IsolatePool", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => make({ memoryBytesMax: 10 }).acquire("a", 1),
  properties: [
    {
      name: "exact boundaries: a script the size of the budget fits, one byte more is refused, freeing exactly the overflow stops there",
      run: (make) => boundaryCases(make),
    },
    {
      name: "memory never exceeds the budget, even when a warm isolate's heap grows, and never evicts a busy isolate",
      run: (make, ctx) =>
        check(
          fc.property(scenario, ({ s, cmds }) => {
            // Checked from what the test asked for, not from the pool's own bookkeeping.
            const shadow = s.budgets.map((b) => ({ max: b * s.unit, entries: [] as ModelEntry[] }));
            const pools = shadow.map((m) => ({ pool: make({ memoryBytesMax: m.max }), sizes: new Map<string, number>(), busy: new Map<string, number>() }));
            for (const wrapped of cmds) {
              // fc.commands yields wrappers around the commands it generated.
              const cmd = (wrapped as { cmd?: unknown }).cmd ?? wrapped;
              if (!(cmd instanceof AcquireCmd || cmd instanceof ReleaseCmd)) throw new Error("unexpected command");
              const p = pools[cmd.pool];
              const m = shadow[cmd.pool];
              if (p === undefined || m === undefined) continue;
              if (cmd instanceof ReleaseCmd) {
                if ((p.busy.get(cmd.id) ?? 0) === 0) continue;
                p.pool.release(cmd.id);
                p.busy.set(cmd.id, (p.busy.get(cmd.id) ?? 0) - 1);
                const entry = m.entries.find((e) => e.id === cmd.id);
                if (entry) entry.inFlight--;
                continue;
              }
              const size = sizeOf(cmd.spec, m, cmd.id, s.unit);
              const what = `acquire(${show(cmd.id)}, ${size}) with budget ${m.max}`;
              let got: Acquired;
              try {
                got = p.pool.acquire(cmd.id, size);
              } catch (error) {
                expectRefusal(error, "POOL_EXHAUSTED", 503, cmd.id, what);
                continue;
              }
              expectedAcquire(m, cmd.id, size);
              const killed = got.evicted.filter((e) => (p.busy.get(e) ?? 0) > 0 || e === cmd.id);
              if (killed.length > 0) throw new Error(`${what} evicted ${show(killed)} while a request was in flight on it`);
              for (const e of got.evicted) p.sizes.delete(e);
              p.sizes.set(cmd.id, size);
              p.busy.set(cmd.id, (p.busy.get(cmd.id) ?? 0) + 1);
              const held = p.pool.resident().reduce((sum, r) => sum + (p.sizes.get(r) ?? 0), 0);
              if (held > m.max) throw new Error(`after ${what} the resident isolates ${show(p.pool.resident())} hold ${held} bytes > budget ${m.max}`);
              if (p.pool.memoryBytes() !== held) throw new Error(`after ${what} memoryBytes() says ${p.pool.memoryBytes()}; the resident isolates hold ${held}`);
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
    {
      name: "agrees with an LRU model, two pools side by side: evicts least recently used idle isolates first, stops as soon as the new one fits, refuses without changing anything",
      run: (make, ctx) =>
        check(
          fc.property(scenario, ({ s, cmds }) => runScenario(make, s, cmds)),
          ctx,
          { numRuns: 200 },
        ),
    },
  ],
});
