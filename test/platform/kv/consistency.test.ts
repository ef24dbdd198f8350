import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EdgeError } from "../../../src/core/errors.js";
import { checkLinearizable, kvModel, type KvInput, type KvOutput, type Operation } from "../../../src/lin/index.js";
import { POP_CODES, START_MS, makeManualWorld, makeWorld } from "./world.js";

interface Action {
  offsetMs: number;
  pop: string;
  key: string;
  kind: "put" | "delete" | "get";
  cacheTtl: number;
}

const actionsArb = fc.array(
  fc.record({
    offsetMs: fc.integer({ min: 0, max: 120_000 }),
    pop: fc.constantFrom(...POP_CODES),
    key: fc.constantFrom("k0", "k1", "k2"),
    kind: fc.constantFrom<Action["kind"]>("put", "put", "delete", "get", "get"),
    cacheTtl: fc.integer({ min: 30, max: 120 }),
  }),
  { minLength: 1, maxLength: 40 },
);

interface AcceptedWrite {
  key: string;
  value: string | null;
  timeMs: number;
  pop: string;
  order: number;
}

/** The LWW winner by (time, writer PoP, order of acceptance), computed without the store. */
function winner(writes: AcceptedWrite[], key: string): string | null {
  let best: AcceptedWrite | undefined;
  for (const w of writes) {
    if (w.key !== key) continue;
    if (!best || w.timeMs > best.timeMs || (w.timeMs === best.timeMs && (w.pop > best.pop || (w.pop === best.pop && w.order > best.order)))) best = w;
  }
  return best?.value ?? null;
}

describe("Workers KV consistency", () => {
  it("converges to the LWW winner at every PoP once propagation and cacheTtl have passed, never inventing values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), actionsArb, async (seed, actions) => {
        const world = makeWorld(seed);
        const writes: AcceptedWrite[] = [];
        const sorted = actions.map((a, i) => ({ ...a, i })).sort((a, b) => a.offsetMs - b.offsetMs || a.i - b.i);
        for (const action of sorted) {
          world.sim.run(START_MS + action.offsetMs);
          const kv = world.at(action.pop);
          const nowMs = world.sim.now();
          if (action.kind === "get") {
            const value = await kv.get(action.key, { cacheTtl: action.cacheTtl });
            // No invention: a read returns null or a value already written to that key.
            if (value !== null) expect(writes.some((w) => w.key === action.key && w.value === value)).toBe(true);
            continue;
          }
          const value = action.kind === "put" ? `w${action.i}` : null;
          try {
            if (value === null) await kv.delete(action.key);
            else await kv.put(action.key, value);
          } catch (error) {
            expect(error).toBeInstanceOf(EdgeError);
            expect((error as EdgeError).code).toBe("KV_RATE_LIMITED");
            continue;
          }
          writes.push({ key: action.key, value, timeMs: nowMs, pop: action.pop, order: writes.length });
          // Read-your-writes at the writing PoP, unless a write in the same millisecond outranks it.
          const sameMs = writes.filter((w) => w.key === action.key && w.timeMs === nowMs).length;
          if (sameMs === 1) expect(await kv.get(action.key)).toBe(value);
        }
        const lastMs = Math.max(...sorted.map((a) => START_MS + a.offsetMs));
        world.sim.run(lastMs + world.store.propagationMsMax + 120_000 + 1);
        expect(world.store.inFlight).toBe(0);
        for (const pop of POP_CODES) {
          for (const key of ["k0", "k1", "k2"]) expect(await world.at(pop).get(key)).toBe(winner(writes, key));
          const listed = (await world.at(pop).list()).keys.map((k) => k.name);
          expect(listed).toEqual(["k0", "k1", "k2"].filter((key) => winner(writes, key) !== null));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("serves a stale value inside cacheTtl at another PoP while the writing PoP reads its own write", async () => {
    const world = makeWorld(7);
    const london = world.at("LHR");
    const tokyo = world.at("NRT");
    await london.put("flag", "old");
    world.sim.run(START_MS + 61_000); // "old" has reached every PoP
    expect(await tokyo.get("flag")).toBe("old"); // Tokyo now caches "old" for 60 s
    await london.put("flag", "new");
    expect(await london.get("flag")).toBe("new");
    world.sim.run(START_MS + 61_000 + 59_000); // propagation has surely arrived; the cache is still fresh
    expect(world.store.inFlight).toBe(0);
    expect(await tokyo.get("flag")).toBe("old");
    world.sim.run(START_MS + 61_000 + 60_000);
    expect(await tokyo.get("flag")).toBe("new");
  });

  it("is found not linearizable by the checker, while one PoP's own history is", async () => {
    // A search over seeds for a history the checker rejects: KV's staleness is real, not rare.
    const details = await fc.check(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 50_000 }), async (seed, readAfterMs) => {
        const world = makeWorld(seed);
        const history: Operation<KvInput, KvOutput>[] = [];
        const t0 = world.sim.now();
        await world.at("LHR").put("k", "v1");
        history.push({ clientId: "LHR", input: { kind: "put", key: "k", value: "v1" }, output: undefined, call: t0, ret: t0 });
        world.sim.run(t0 + readAfterMs);
        const t1 = world.sim.now();
        const seen = (await world.at("SYD").get("k")) as string | null;
        history.push({ clientId: "SYD", input: { kind: "get", key: "k" }, output: seen, call: t1, ret: t1 });
        return checkLinearizable(kvModel(), history).ok === true;
      }),
      { numRuns: 100, seed: 42 },
    );
    expect(details.failed).toBe(true);
    const single = makeWorld(3, { pops: ["LHR"] });
    const history: Operation<KvInput, KvOutput>[] = [];
    for (let i = 0; i < 20; i++) {
      single.sim.run(START_MS + i * 1500);
      const t = single.sim.now();
      const input: KvInput = i % 2 === 0 ? { kind: "put", key: "k", value: `v${i}` } : { kind: "get", key: "k" };
      const output = input.kind === "put" ? (await single.at("LHR").put("k", input.value), undefined) : ((await single.at("LHR").get("k")) as string | null);
      history.push({ clientId: 1, input, output, call: t, ret: t });
    }
    expect(checkLinearizable(kvModel(), history).ok).toBe(true);
  });
});

describe("Workers KV last-writer-wins", () => {
  it("breaks a same-millisecond race by writer PoP code, identically at every PoP", async () => {
    const world = makeWorld(21);
    await world.at("LHR").put("k", "from London");
    await world.at("NRT").put("k", "from Tokyo"); // same virtual millisecond
    // Each writer reads its own write at first...
    expect(await world.at("LHR").get("k")).toBe("from London");
    expect(await world.at("NRT").get("k")).toBe("from Tokyo");
    world.sim.run(world.sim.now() + world.store.propagationMsMax + 60_000);
    // ...then all agree on the tie-break winner: "NRT" sorts after "LHR".
    for (const pop of POP_CODES) expect(await world.at(pop).get("k")).toBe("from Tokyo");
  });

  it("replays identically from the same seed, and differently from another", async () => {
    const observe = async (seed: number): Promise<string> => {
      const world = makeWorld(seed);
      await world.at("LHR").put("k", "v1");
      const seen: string[] = [];
      for (let s = 1; s <= 60; s++) {
        world.sim.run(START_MS + s * 1000);
        for (const pop of POP_CODES) seen.push(String(await world.at(pop).get("k", { cacheTtl: 30 })));
      }
      return seen.join(",");
    };
    expect(await observe(5)).toBe(await observe(5));
    expect(await observe(6)).not.toBe(await observe(5));
  });
});

describe("Workers KV propagation in any delivery order", () => {
  it("reaches the LWW winner whatever order the deliveries arrive in", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pop: fc.constantFrom(...POP_CODES), del: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        async (writes, randomness) => {
          const world = makeManualWorld();
          let expected: string | null = null;
          for (const [i, w] of writes.entries()) {
            world.clock.advanceMs(1000); // one write per second keeps clear of the rate limit
            if (w.del) await world.at(w.pop).delete("k");
            else await world.at(w.pop).put("k", `v${i}`);
            expected = w.del ? null : `v${i}`;
          }
          const queued = [...world.scheduler.queued];
          const it = randomness[Symbol.iterator]();
          while (queued.length > 0) {
            const [next] = queued.splice((it.next().value as number) % queued.length, 1);
            next?.fn();
            const seen = await world.at(POP_CODES[(it.next().value as number) % POP_CODES.length] as string).get("k", { cacheTtl: 30 });
            if (seen !== null) expect(writes.some((_, i) => seen === `v${i}`)).toBe(true);
          }
          world.clock.advanceMs(60_000);
          for (const pop of POP_CODES) expect(await world.at(pop).get("k")).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never resurrects a deleted key when an older put arrives after the delete", async () => {
    const world = makeManualWorld(["LHR", "IAD", "NRT"]);
    await world.at("LHR").put("k", "v1");
    world.clock.advanceMs(1000);
    await world.at("IAD").delete("k");
    const toTokyo = world.scheduler.queued.filter((q) => q.label.endsWith("-> NRT"));
    expect(toTokyo).toHaveLength(2);
    toTokyo[1]?.fn(); // the delete first
    expect(await world.at("NRT").get("k", { cacheTtl: 30 })).toBeNull();
    toTokyo[0]?.fn(); // then the older put
    world.clock.advanceMs(30_000);
    expect(await world.at("NRT").get("k")).toBeNull();
    expect((await world.at("NRT").list()).keys).toEqual([]);
  });
});
