import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface Pool {
  acquire(scriptId: string, sizeBytes: number): { cold: boolean; evicted: string[] };
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

function codeOf(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : String(error);
}

function expectedAcquire(model: Model, id: string, size: number): { cold: boolean; evicted: string[] } | "POOL_EXHAUSTED" {
  const existing = model.entries.find((e) => e.id === id);
  const used = model.entries.reduce((s, e) => s + e.size, 0) - (existing?.size ?? 0) + size;
  const evicted: string[] = [];
  let over = used - model.max;
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

class AcquireCmd implements fc.Command<Model, Pool> {
  constructor(readonly id: string, readonly size: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, pool: Pool): void {
    const want = expectedAcquire(model, this.id, this.size);
    let got: { cold: boolean; evicted: string[] } | string;
    try {
      got = pool.acquire(this.id, this.size);
    } catch (error) {
      got = codeOf(error);
    }
    const show = (x: unknown): string => JSON.stringify(x);
    if (show(got) !== show(want)) throw new Error(`${this.toString()}: got ${show(got)}, expected ${show(want)}`);
    const order = model.entries.map((e) => e.id);
    if (show(pool.resident()) !== show(order)) throw new Error(`after ${this.toString()}: resident ${show(pool.resident())}, expected LRU order ${show(order)}`);
    const mem = model.entries.reduce((s, e) => s + e.size, 0);
    if (pool.memoryBytes() !== mem) throw new Error(`after ${this.toString()}: memoryBytes ${pool.memoryBytes()}, resident sizes sum to ${mem}`);
  }
  toString(): string {
    return `acquire(${this.id}, ${this.size})`;
  }
}

class ReleaseCmd implements fc.Command<Model, Pool> {
  constructor(readonly id: string) {}
  check(model: Readonly<Model>): boolean {
    return model.entries.some((e) => e.id === this.id && e.inFlight > 0);
  }
  run(model: Model, pool: Pool): void {
    pool.release(this.id);
    const entry = model.entries.find((e) => e.id === this.id);
    if (entry) entry.inFlight--;
    if (pool.inFlight(this.id) !== (entry?.inFlight ?? 0)) throw new Error(`after ${this.toString()}: inFlight ${pool.inFlight(this.id)}, expected ${entry?.inFlight ?? 0}`);
  }
  toString(): string {
    return `release(${this.id})`;
  }
}

const IDS = ["a", "b", "c", "d", "e", "f"];
const acquireCmd = fc.tuple(fc.constantFrom(...IDS), fc.integer({ min: 1, max: 8 })).map(([id, size]) => new AcquireCmd(id, size));
const releaseCmd = fc.constantFrom(...IDS).map((id) => new ReleaseCmd(id));
// Long runs with acquires and releases in equal measure: eviction needs a full pool with some
// isolates idle and some busy, which short command lists rarely reach.
const commands = fc.commands([acquireCmd, releaseCmd], { maxCommands: 60, size: "large" });
const budget = fc.integer({ min: 4, max: 16 });

/**
 * Replays commands on a pool alone, with invariant checks that need no model. The in-flight
 * count is kept here, independently of the pool, so a pool that loses track is caught.
 */
function replayChecking(
  make: Make,
  max: number,
  cmds: Iterable<fc.Command<Model, Pool>>,
  onAcquire: (pool: Pool, id: string, size: number, before: string[], busy: Set<string>) => boolean,
): void {
  const pool = make({ memoryBytesMax: max });
  const busy = new Map<string, number>();
  for (const cmd of cmds) {
    if (cmd instanceof AcquireCmd) {
      const busyNow = new Set([...busy].filter(([, n]) => n > 0).map(([id]) => id));
      if (onAcquire(pool, cmd.id, cmd.size, pool.resident(), busyNow)) busy.set(cmd.id, (busy.get(cmd.id) ?? 0) + 1);
    } else if (cmd instanceof ReleaseCmd && (busy.get(cmd.id) ?? 0) > 0) {
      pool.release(cmd.id);
      busy.set(cmd.id, (busy.get(cmd.id) ?? 0) - 1);
    }
  }
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
      name: "memory never exceeds the budget, even when a warm isolate's heap grows",
      run: (make, ctx) =>
        check(
          fc.property(budget, commands, (max, cmds) => {
            const sizes = new Map<string, number>();
            replayChecking(make, max, cmds, (pool, id, size) => {
              try {
                pool.acquire(id, size);
              } catch (error) {
                if (codeOf(error) !== "POOL_EXHAUSTED") throw error;
                return false;
              }
              sizes.set(id, size);
              // Recomputed from what the test asked for, not from the pool's own bookkeeping.
              const held = pool.resident().reduce((s, r) => s + (sizes.get(r) ?? 0), 0);
              if (held > max) throw new Error(`after acquire(${id}, ${size}) the resident isolates (${pool.resident().join(",")}) hold ${held} bytes > budget ${max}`);
              if (pool.memoryBytes() !== held) throw new Error(`after acquire(${id}, ${size}) memoryBytes() says ${pool.memoryBytes()}, the resident isolates hold ${held}`);
              return true;
            });
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "never evicts an isolate with a request in flight; a resident script is always warm; cold starts equal misses",
      run: (make, ctx) =>
        check(
          fc.property(budget, commands, (max, cmds) => {
            let misses = 0;
            let colds = 0;
            replayChecking(make, max, cmds, (pool, id, size, before, busy) => {
              let got;
              try {
                got = pool.acquire(id, size);
              } catch (error) {
                if (codeOf(error) !== "POOL_EXHAUSTED") throw error;
                return false;
              }
              if (!before.includes(id)) misses++;
              if (got.cold) colds++;
              if (before.includes(id) && got.cold) throw new Error(`acquire(${id}) was cold although ${id} was resident (${before.join(",")})`);
              const killed = got.evicted.filter((e) => busy.has(e) || e === id);
              if (killed.length > 0) throw new Error(`acquire(${id}, ${size}) evicted ${killed.join(",")} while it had a request in flight`);
              return true;
            });
            if (colds !== misses) throw new Error(`${colds} cold starts for ${misses} misses`);
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "agrees with an LRU model: evicts least recently used idle isolates first and stops as soon as the new one fits",
      run: (make, ctx) =>
        check(
          fc.property(budget, commands, (max, cmds) => {
            fc.modelRun(() => ({ model: { max, entries: [] }, real: make({ memoryBytesMax: max }) }), cmds);
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
  ],
});
