import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { makeWorld, type World } from "./world.js";

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

describe("KV at one PoP behaves like a map with expiry (model-based)", () => {
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
