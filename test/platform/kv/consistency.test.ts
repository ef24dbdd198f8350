import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EdgeError } from "../../../src/core/errors.js";
import { KV_OWN_WRITE_MISS_PROBABILITY_DEFAULT, KvStore, MemoryKvBackend } from "../../../src/kv/index.js";
import { checkLinearizable, kvModel, type KvInput, type KvOutput, type Operation } from "../../../src/lin/index.js";
import { Rng, VirtualClock } from "../../../src/sim/index.js";
import { POP_CODES, START_MS, TIERED_POPS, makeWorld } from "./world.js";

const source = (world: ReturnType<typeof makeWorld>, pop: string, key: string, cacheTtlMs = 60_000): { value: string | null; source: string } => {
  const read = world.store.readFrom("TEST_NS", pop, key, cacheTtlMs);
  return { value: read.version?.value ? new TextDecoder().decode(read.version.value) : null, source: read.source };
};

describe("KV is pull-through: data is cached where it is read, never pushed", () => {
  it("a PoP that cached a copy serves it until the copy times out, while a PoP without one reads the write at once", async () => {
    const world = makeWorld(1);
    await world.at("LHR").put("flag", "old");
    world.sim.run(START_MS + 1_000);
    expect(await world.at("NRT").get("flag")).toBe("old"); // NRT now holds "old" for 60 s
    world.sim.run(START_MS + 2_000);
    await world.at("LHR").put("flag", "new");
    expect(await world.at("IAD").get("flag")).toBe("new"); // no copy at IAD: a cold read, no delay
    world.sim.run(START_MS + 60_999);
    expect(await world.at("NRT").get("flag")).toBe("old");
    world.sim.run(START_MS + 61_000);
    expect(await world.at("NRT").get("flag")).toBe("new"); // "up to 60 seconds … as cached versions time out"
  });

  it("caches 'not found' too: a miss hides a new key from that PoP for the miss's cacheTtl", async () => {
    const world = makeWorld(2);
    const t0 = world.sim.now();
    expect(await world.at("SYD").get("new-key", { cacheTtl: 30 })).toBeNull();
    await world.at("LHR").put("new-key", "v");
    world.sim.run(t0 + 29_999);
    expect(await world.at("SYD").get("new-key", { cacheTtl: 30 })).toBeNull();
    world.sim.run(t0 + 30_000);
    expect(await world.at("SYD").get("new-key", { cacheTtl: 30 })).toBe("v");
  });

  it("a regional tier answers a neighbour with the copy it holds, and the copy keeps its age (it expires with the tier's)", async () => {
    const world = makeWorld(3, { pops: TIERED_POPS });
    const t0 = world.sim.now();
    await world.at("LHR").put("k", "old");
    world.sim.run(t0 + 1_000);
    expect(source(world, "NRT", "k")).toEqual({ value: "old", source: "central" }); // fills the AS tier
    world.sim.run(t0 + 2_000);
    await world.at("LHR").put("k", "new");
    world.sim.run(t0 + 20_000);
    expect(source(world, "SIN", "k")).toEqual({ value: "old", source: "tier" }); // SIN shares NRT's tier
    expect(source(world, "SIN", "k")).toEqual({ value: "old", source: "pop" });
    // The writer's own tier holds nothing: writes are not pushed to tiers either.
    expect(source(world, "FRA", "k")).toEqual({ value: "new", source: "central" });
    world.sim.run(t0 + 60_999);
    expect(source(world, "SIN", "k")).toEqual({ value: "old", source: "pop" });
    world.sim.run(t0 + 61_000); // 60 s after the tier read it, not after SIN did
    expect(source(world, "SIN", "k")).toEqual({ value: "new", source: "central" });
    expect(world.store.tierOf("SIN")).toBe(world.store.tierOf("NRT"));
    expect(world.store.tierOf("FRA")).not.toBe(world.store.tierOf("NRT"));
  });

  it("a read with a lower cacheTtl asks for newer data than a copy cached with a longer one", async () => {
    const world = makeWorld(4);
    const t0 = world.sim.now();
    await world.at("LHR").put("k", "old");
    world.sim.run(t0 + 1_000);
    expect(await world.at("NRT").get("k", { cacheTtl: 300 })).toBe("old");
    world.sim.run(t0 + 2_000);
    await world.at("LHR").put("k", "new");
    world.sim.run(t0 + 41_000); // the copy is 40 s old
    expect(await world.at("NRT").get("k", { cacheTtl: 300 })).toBe("old");
    expect(await world.at("NRT").get("k", { cacheTtl: 40 })).toBe("new");
    expect(await world.at("NRT").get("k", { cacheTtl: 300 })).toBe("new");
  });

  it("converges: once every copy has timed out, all PoPs read the last write and list the same keys; no read invents a value", async () => {
    const actions = fc.array(
      fc.record({
        offsetMs: fc.integer({ min: 0, max: 120_000 }),
        pop: fc.constantFrom(...TIERED_POPS),
        key: fc.constantFrom("k0", "k1", "__proto__"),
        kind: fc.constantFrom("put", "put", "delete", "get", "get", "get"),
        cacheTtl: fc.constantFrom(30, 45, 60, 300),
      }),
      { minLength: 1, maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), actions, async (seed, miss, acts) => {
        const world = makeWorld(seed, { pops: TIERED_POPS, ownWriteMissProbability: miss });
        const last = new Map<string, string | null>();
        const written = new Set<string>();
        const sorted = acts.map((a, i) => ({ ...a, i })).sort((a, b) => a.offsetMs - b.offsetMs || a.i - b.i);
        for (const a of sorted) {
          world.sim.run(START_MS + a.offsetMs);
          const kv = world.at(a.pop);
          if (a.kind === "get") {
            const value = await kv.get(a.key, { cacheTtl: a.cacheTtl });
            if (value !== null) expect(written.has(`${a.key}=${value}`)).toBe(true);
            continue;
          }
          const value = a.kind === "put" ? `w${a.i}` : null;
          try {
            if (value === null) await kv.delete(a.key);
            else await kv.put(a.key, value);
          } catch (error) {
            expect((error as EdgeError).code).toBe("KV_RATE_LIMITED");
            continue;
          }
          last.set(a.key, value);
          if (value !== null) written.add(`${a.key}=${value}`);
        }
        world.sim.run(START_MS + 120_000 + 300_000);
        for (const pop of TIERED_POPS) {
          for (const key of ["k0", "k1", "__proto__"]) expect(await world.at(pop).get(key)).toBe(last.get(key) ?? null);
          const listed = (await world.at(pop).list()).keys.map((k) => k.name);
          expect(listed).toEqual(["__proto__", "k0", "k1"].filter((key) => (last.get(key) ?? null) !== null));
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe("KV read-your-own-write: usual, not guaranteed", () => {
  /** The writer warms its cache with "old", then writes "new" and reads at once. */
  async function ownRead(seed: number, miss: number): Promise<string | null> {
    const world = makeWorld(seed, { ownWriteMissProbability: miss });
    await world.at("LHR").put("k", "old");
    world.sim.run(START_MS + 5_000);
    expect(await world.at("LHR").get("k")).toBe("old");
    await world.at("LHR").put("k", "new");
    return (await world.at("LHR").get("k")) as string | null;
  }

  it("with no exception the writing PoP always reads its write; with certain exception it keeps its cached copy", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        expect(await ownRead(seed, 0)).toBe("new");
      }),
      { numRuns: 50 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        expect(await ownRead(seed, 1)).toBe("old");
      }),
      { numRuns: 50 },
    );
  });

  it("misses about 1 write in 100 by default, the same ones on every replay of a seed, and never shows anything but the copy it held", async () => {
    const run = async (seed: number): Promise<number[]> => {
      const sim = makeWorld(seed, { pops: ["LHR"], ownWriteMissProbability: KV_OWN_WRITE_MISS_PROBABILITY_DEFAULT });
      const kv = sim.at("LHR");
      const missed: number[] = [];
      for (let i = 0; i < 3_000; i++) {
        // The writer holds a fresh copy of the previous value, as a busy PoP would; a missed
        // write is visible only then (without a copy, the next read goes to the central store).
        await kv.get("k");
        await kv.put("k", `v${i}`);
        const seen = (await kv.get("k")) as string | null;
        if (seen !== `v${i}`) {
          missed.push(i);
          // The copy it kept: the previous write (or "not found" before the first), nothing else.
          expect(seen).toBe(i === 0 ? null : `v${i - 1}`);
        }
        sim.sim.run(sim.sim.now() + 61_000); // let every copy time out before the next write
      }
      return missed;
    };
    const missed = await run(2026);
    // Binomial(3000, 0.01): mean 30, standard deviation 5.4; this range is ±4 deviations.
    expect(missed.length).toBeGreaterThanOrEqual(9);
    expect(missed.length).toBeLessThanOrEqual(52);
    expect(await run(2026)).toEqual(missed);
    expect(await run(2027)).not.toEqual(missed);
  });
});

describe("KV last-writer-wins", () => {
  it("a write stamped before the stored version loses, as when two locations' clocks disagree, and the writer then reads the winner", async () => {
    const backend = new MemoryKvBackend();
    const ahead = new VirtualClock(START_MS + 5_000);
    const behind = new VirtualClock(START_MS);
    const london = new KvStore({ clock: ahead, rng: new Rng(1), pops: ["LHR"], backend, ownWriteMissProbability: 0 }).namespace("N").atPop("LHR");
    const tokyoStore = new KvStore({ clock: behind, rng: new Rng(2), pops: ["NRT"], backend, ownWriteMissProbability: 0 });
    await london.put("k", "London at +5 s");
    await tokyoStore.namespace("N").atPop("NRT").put("k", "Tokyo at +0 s"); // later in real time, earlier by its clock
    expect(await tokyoStore.namespace("N").atPop("NRT").get("k")).toBe("London at +5 s");
    expect(backend.get("N", "k")?.stamp).toMatchObject({ timestampMs: START_MS + 5_000, writerPop: "LHR" });
  });

  it("replays identically from the same seed, and differently from another", async () => {
    const observe = async (seed: number): Promise<string> => {
      const world = makeWorld(seed, { pops: TIERED_POPS, ownWriteMissProbability: 0.5 });
      const seen: string[] = [];
      for (let s = 1; s <= 40; s++) {
        world.sim.run(START_MS + s * 1500);
        const writer = TIERED_POPS[s % TIERED_POPS.length] as string;
        await world.at(writer).put("k", `v${s}`);
        for (const pop of TIERED_POPS) seen.push(String(await world.at(pop).get("k", { cacheTtl: 30 })));
      }
      return seen.join(",");
    };
    expect(await observe(5)).toBe(await observe(5));
    expect(await observe(6)).not.toBe(await observe(5));
  });
});

describe("KV is not linearizable", () => {
  it("the checker rejects a history with a stale read at another PoP, and accepts one PoP's own history", async () => {
    const world = makeWorld(8);
    const history: Operation<KvInput, KvOutput>[] = [];
    const t0 = world.sim.now();
    history.push({ clientId: "SYD", input: { kind: "get", key: "k" }, output: (await world.at("SYD").get("k")) as string | null, call: t0, ret: t0 });
    world.sim.run(t0 + 1_000);
    await world.at("LHR").put("k", "v1");
    history.push({ clientId: "LHR", input: { kind: "put", key: "k", value: "v1" }, output: undefined, call: t0 + 1_000, ret: t0 + 1_000 });
    world.sim.run(t0 + 2_000);
    const stale = (await world.at("SYD").get("k")) as string | null;
    expect(stale).toBeNull(); // the cached "not found"
    history.push({ clientId: "SYD", input: { kind: "get", key: "k" }, output: stale, call: t0 + 2_000, ret: t0 + 2_000 });
    expect(checkLinearizable(kvModel(), history).ok).toBe(false);

    const single = makeWorld(3, { pops: ["LHR"] });
    const own: Operation<KvInput, KvOutput>[] = [];
    for (let i = 0; i < 20; i++) {
      single.sim.run(START_MS + i * 1500);
      const t = single.sim.now();
      const input: KvInput = i % 2 === 0 ? { kind: "put", key: "k", value: `v${i}` } : { kind: "get", key: "k" };
      const output = input.kind === "put" ? (await single.at("LHR").put("k", input.value), undefined) : ((await single.at("LHR").get("k")) as string | null);
      own.push({ clientId: 1, input, output, call: t, ret: t });
    }
    expect(checkLinearizable(kvModel(), own).ok).toBe(true);
  });
});

describe("KV PoPs in the default topology", () => {
  it("read through their region's tier; a PoP not in the dataset is its own tier", () => {
    const world = makeWorld(9, { pops: [...POP_CODES, "XYZ"] });
    expect(world.store.tierOf("LHR")).toBe("EU");
    expect(world.store.tierOf("NRT")).toBe("AS");
    expect(world.store.tierOf("XYZ")).toBe("XYZ");
    expect(world.store.readNetworkMs("LHR", "pop")).toBe(0);
    const tier = world.store.readNetworkMs("NRT", "tier");
    const central = world.store.readNetworkMs("NRT", "central");
    // Tokyo to the Singapore tier and on to the Singapore central store: tens of ms, then no more.
    expect(tier).toBeGreaterThan(40);
    expect(tier).toBeLessThan(120);
    expect(central).toBeGreaterThan(tier);
    expect(world.store.readNetworkMs("SYD", "central")).toBeGreaterThan(world.store.readNetworkMs("SYD", "tier") + 50);
    expect(world.store.readNetworkMs("XYZ", "tier")).toBeNaN();
  });
});
