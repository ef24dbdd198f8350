import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { START_MS, TIERED_POPS, makeWorld, type World } from "./world.js";

/** The model: a plain map with expiry times and the last write time per key. Nothing else. */
interface KvMapModel {
  nowMs: number;
  entries: Map<string, { value: string; expiresAtMs?: number; metadata?: unknown }>;
  lastWriteMs: Map<string, number>;
}
interface Real {
  world: World;
  kv: KvNamespaceApi;
}
type KvCommand = fc.AsyncCommand<KvMapModel, Real>;

const live = (m: KvMapModel, key: string): { value: string; metadata?: unknown } | undefined => {
  const entry = m.entries.get(key);
  return entry && (entry.expiresAtMs === undefined || m.nowMs < entry.expiresAtMs) ? entry : undefined;
};
const rateLimited = (m: KvMapModel, key: string): boolean => {
  const last = m.lastWriteMs.get(key);
  return last !== undefined && m.nowMs - last < 1000;
};
async function expectRateLimited(call: Promise<unknown>): Promise<void> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EdgeError);
  expect((error as EdgeError).code).toBe("KV_RATE_LIMITED");
}

class Put implements KvCommand {
  constructor(readonly key: string, readonly value: string, readonly ttlSec: number | undefined, readonly metadata: unknown) {}
  check = (): boolean => true;
  async run(m: KvMapModel, r: Real): Promise<void> {
    const options = { expirationTtl: this.ttlSec, metadata: this.metadata };
    if (rateLimited(m, this.key)) return expectRateLimited(r.kv.put(this.key, this.value, options));
    await r.kv.put(this.key, this.value, options);
    m.entries.set(this.key, { value: this.value, expiresAtMs: this.ttlSec === undefined ? undefined : Math.floor(m.nowMs / 1000 + this.ttlSec) * 1000, metadata: this.metadata });
    m.lastWriteMs.set(this.key, m.nowMs);
  }
  toString = (): string => `put(${JSON.stringify(this.key)}, ${JSON.stringify(this.value)}, ttl=${this.ttlSec})`;
}

class Delete implements KvCommand {
  constructor(readonly key: string) {}
  check = (): boolean => true;
  async run(m: KvMapModel, r: Real): Promise<void> {
    if (rateLimited(m, this.key)) return expectRateLimited(r.kv.delete(this.key));
    await r.kv.delete(this.key);
    m.entries.delete(this.key);
    m.lastWriteMs.set(this.key, m.nowMs);
  }
  toString = (): string => `delete(${JSON.stringify(this.key)})`;
}

class Get implements KvCommand {
  constructor(readonly key: string) {}
  check = (): boolean => true;
  async run(m: KvMapModel, r: Real): Promise<void> {
    const expected = live(m, this.key);
    expect(await r.kv.getWithMetadata(this.key)).toEqual({ value: expected?.value ?? null, metadata: expected?.metadata ?? null, cacheStatus: null });
  }
  toString = (): string => `get(${JSON.stringify(this.key)})`;
}

class List implements KvCommand {
  constructor(readonly prefix: string, readonly pageSize: number) {}
  check = (): boolean => true;
  async run(m: KvMapModel, r: Real): Promise<void> {
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await r.kv.list({ prefix: this.prefix, limit: this.pageSize, cursor });
      names.push(...result.keys.map((k) => k.name));
      if (result.list_complete) break;
      cursor = result.cursor;
    }
    const expected = [...m.entries.keys()].filter((k) => k.startsWith(this.prefix) && live(m, k)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(names).toEqual(expected);
  }
  toString = (): string => `list(${JSON.stringify(this.prefix)}, limit=${this.pageSize})`;
}

class Advance implements KvCommand {
  constructor(readonly ms: number) {}
  check = (): boolean => true;
  async run(m: KvMapModel, r: Real): Promise<void> {
    m.nowMs += this.ms;
    r.world.sim.run(m.nowMs);
  }
  toString = (): string => `advance(${this.ms} ms)`;
}

const keyArb = fc.constantFrom("a", "ab", "b", "\u{1f600}", "\uff5e");
const commandsArb = fc.commands(
  [
    fc.tuple(keyArb, fc.string({ maxLength: 4 }), fc.option(fc.oneof(fc.constantFrom(60, 90), fc.integer({ min: 60, max: 180 })), { nil: undefined }), fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined })).map(([k, v, ttl, md]) => new Put(k, v, ttl, md)),
    keyArb.map((k) => new Delete(k)),
    keyArb.map((k) => new Get(k)),
    fc.tuple(fc.constantFrom("", "a", "b", "\u{1f600}"), fc.integer({ min: 1, max: 3 })).map(([p, n]) => new List(p, n)),
    // Mostly whole seconds, so expiry boundaries (whole seconds) are hit exactly; 1 and 999 ms
    // probe the one-write-per-second boundary.
    fc.oneof(fc.constantFrom(1, 999, 30_000, 30_000, 60_000), fc.integer({ min: 1, max: 90 }).map((s) => s * 1000)).map((ms) => new Advance(ms)),
  ],
  { maxCommands: 40 },
);

describe("KV at one PoP that always sees its own writes behaves like a map with expiry (model-based)", () => {
  it("agrees with the model on every sequence of put, delete, get, list and time passing", async () => {
    await fc.assert(
      fc.asyncProperty(commandsArb, async (commands) => {
        const world = makeWorld(9, { pops: ["LHR"] });
        const model: KvMapModel = { nowMs: world.sim.now(), entries: new Map(), lastWriteMs: new Map() };
        await fc.asyncModelRun(() => ({ model, real: { world, kv: world.at("LHR") } }), commands);
      }),
      { numRuns: 150 },
    );
  });
});

// The whole store against a reference that knows nothing of caches or tiers: per key, the
// sequence of central states and when each began. The law it checks is the one README.md
// states: a read with cacheTtl T at time t returns a state the central store held at some
// instant in (t - T, t] (as null if that state has expired by t), and `list` returns the
// central store's live keys. Where only one state qualifies the read is fully determined.
interface CentralState {
  startMs: number;
  value: string | null;
  expiresAtMs?: number;
}
interface StalenessModel {
  nowMs: number;
  history: Map<string, CentralState[]>;
  lastWriteMs: Map<string, number>;
}
type StalenessCommand = fc.AsyncCommand<StalenessModel, World>;

const statesOf = (m: StalenessModel, key: string): CentralState[] => m.history.get(key) ?? [{ startMs: Number.NEGATIVE_INFINITY, value: null }];
const liveValue = (state: CentralState, nowMs: number): string | null => (state.expiresAtMs === undefined || nowMs < state.expiresAtMs ? state.value : null);

class WriteAt implements StalenessCommand {
  constructor(readonly pop: string, readonly key: string, readonly value: string | null, readonly ttlSec: number | undefined) {}
  check = (): boolean => true;
  async run(m: StalenessModel, w: World): Promise<void> {
    const kv = w.at(this.pop);
    const call = (): Promise<void> => (this.value === null ? kv.delete(this.key) : kv.put(this.key, this.value, this.ttlSec === undefined ? {} : { expirationTtl: this.ttlSec }));
    const last = m.lastWriteMs.get(this.key);
    if (last !== undefined && m.nowMs - last < 1000) return expectRateLimited(call());
    await call();
    const state: CentralState = { startMs: m.nowMs, value: this.value };
    if (this.ttlSec !== undefined && this.value !== null) state.expiresAtMs = Math.floor(m.nowMs / 1000 + this.ttlSec) * 1000;
    m.history.set(this.key, [...statesOf(m, this.key), state]);
    m.lastWriteMs.set(this.key, m.nowMs);
  }
  toString = (): string => `${this.pop}: ${this.value === null ? `delete(${JSON.stringify(this.key)})` : `put(${JSON.stringify(this.key)}, ${JSON.stringify(this.value)}, ttl=${this.ttlSec})`}`;
}

class ReadAt implements StalenessCommand {
  constructor(readonly pop: string, readonly key: string, readonly cacheTtl: number) {}
  check = (): boolean => true;
  async run(m: StalenessModel, w: World): Promise<void> {
    const got = (await w.at(this.pop).get(this.key, { cacheTtl: this.cacheTtl })) as string | null;
    const states = statesOf(m, this.key);
    const windowStartMs = m.nowMs - this.cacheTtl * 1000;
    const allowed = states.filter((s, i) => s.startMs <= m.nowMs && (states[i + 1] === undefined || (states[i + 1] as CentralState).startMs > windowStartMs)).map((s) => liveValue(s, m.nowMs));
    expect(allowed, `${this.toString()} at +${m.nowMs - START_MS} ms returned ${JSON.stringify(got)}`).toContain(got);
  }
  toString = (): string => `${this.pop}: get(${JSON.stringify(this.key)}, cacheTtl=${this.cacheTtl})`;
}

class ListAt implements StalenessCommand {
  constructor(readonly pop: string) {}
  check = (): boolean => true;
  async run(m: StalenessModel, w: World): Promise<void> {
    const names = (await w.at(this.pop).list()).keys.map((k) => k.name);
    const live = [...m.history.keys()].filter((key) => liveValue(statesOf(m, key).at(-1) as CentralState, m.nowMs) !== null);
    expect(names).toEqual(live.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  }
  toString = (): string => `${this.pop}: list()`;
}

class Wait implements StalenessCommand {
  constructor(readonly ms: number) {}
  check = (): boolean => true;
  async run(m: StalenessModel, w: World): Promise<void> {
    m.nowMs += this.ms;
    w.sim.run(m.nowMs);
  }
  toString = (): string => `wait(${this.ms} ms)`;
}

const popArb = fc.constantFrom(...TIERED_POPS);
const stalenessKeyArb = fc.constantFrom("a", "__proto__", "constructor", " ", "\u00e9");
const stalenessCommands = fc.commands(
  [
    fc.tuple(popArb, stalenessKeyArb, fc.option(fc.string({ maxLength: 3 }), { nil: null }), fc.option(fc.constantFrom(60, 61, 90), { nil: undefined })).map(([p, k, v, ttl]) => new WriteAt(p, k, v, ttl)),
    fc.tuple(popArb, stalenessKeyArb, fc.constantFrom(30, 31, 45, 60, 90, 300)).map(([p, k, t]) => new ReadAt(p, k, t)),
    fc.tuple(popArb, stalenessKeyArb, fc.constantFrom(30, 60)).map(([p, k, t]) => new ReadAt(p, k, t)),
    popArb.map((p) => new ListAt(p)),
    // Around the cacheTtls (29.999 s, 30 s, 60 s) and the write limit (999 ms, 1 s).
    fc.oneof(fc.constantFrom(1, 999, 1000, 29_999, 30_000, 30_001, 59_999, 60_000), fc.integer({ min: 1, max: 120 }).map((s) => s * 1000)).map((ms) => new Wait(ms)),
  ],
  { maxCommands: 60 },
);

describe("KV over PoPs and tiers never serves data older than the read's cacheTtl (model-based)", () => {
  it("agrees with a reference that keeps only the central store's history, whatever the own-write exception does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.constantFrom(0, 0.01, 0.5, 1), stalenessCommands, async (seed, miss, commands) => {
        const world = makeWorld(seed, { pops: TIERED_POPS, ownWriteMissProbability: miss });
        const model: StalenessModel = { nowMs: world.sim.now(), history: new Map(), lastWriteMs: new Map() };
        await fc.asyncModelRun(() => ({ model, real: world }), commands);
      }),
      { numRuns: 150 },
    );
  });
});
