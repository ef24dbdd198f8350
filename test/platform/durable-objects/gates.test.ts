import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DurableObjectStateApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { MemoryStorageEngine, SimulatedLatencyEngine, type StorageEngine } from "../../../src/storage/index.js";
import { makeWorld, settle } from "./world.js";

/** Every engine call completes only when the fast-check scheduler says so. */
function scheduledEngine(s: fc.Scheduler): StorageEngine {
  const inner = new MemoryStorageEngine();
  const turn = (label: string): Promise<void> => s.schedule(Promise.resolve(), label).then(() => undefined);
  return {
    read: async (o, keys) => (await turn(`read ${keys.join(",")}`), inner.read(o, keys)),
    list: async (o, range) => (await turn("list"), inner.list(o, range)),
    write: async (o, batch) => (await turn("write"), inner.write(o, batch)),
    getAlarm: async (o) => (await turn("getAlarm"), inner.getAlarm(o)),
    listAlarms: () => inner.listAlarms(),
  };
}

/** read, +1, write; optionally awaiting some other I/O (a fetch, say) between read and write. */
function counter(otherIo?: () => Promise<unknown>) {
  return (state: DurableObjectStateApi) => ({
    async increment(): Promise<number> {
      const n = (await state.storage.get<number>("n")) ?? 0;
      if (otherIo !== undefined) await otherIo();
      await state.storage.put("n", n + 1);
      return n + 1;
    },
    async read(): Promise<number> {
      return (await state.storage.get<number>("n")) ?? 0;
    },
  });
}

/** Sends `count` increments whose arrival order the scheduler picks; returns what they returned and the final count. */
async function runIncrements(s: fc.Scheduler, count: number, withOtherIo: boolean): Promise<{ results: number[]; final: number }> {
  const { runtime } = makeWorld({ engine: () => scheduledEngine(s) });
  const otherIo = withOtherIo ? () => s.schedule(Promise.resolve(), "non-storage I/O") : undefined;
  const ns = runtime.namespace("COUNTER", counter(otherIo)).forPop("LHR");
  const stub = ns.get(ns.idFromName("hits"));
  const calls = Array.from({ length: count }, (_, i) =>
    s.schedule(Promise.resolve(), `arrive ${i}`).then(() => stub.call("increment") as Promise<number>),
  );
  const results = await drive(s, Promise.all(calls));
  const final = (await drive(s, stub.call("read"))) as number;
  return { results, final };
}

/**
 * Releases one scheduled task at a time, letting the event loop turn in between: the runtime
 * delivers events in macrotasks (as workerd does), and `s.waitFor` alone would only ever run
 * microtasks, so no new event could arrive while an object awaits its other I/O.
 */
async function drive<T>(s: fc.Scheduler, promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => void (settled = true));
  for (let step = 0; step < 10_000 && !settled; step++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (s.count() > 0) await s.waitNext(1);
  }
  expect(settled).toBe(true);
  return tracked;
}

describe("input gate", () => {
  it("no lost update: concurrent read-increment-write requests each see the previous write (any interleaving)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (s, count) => {
        const { results, final } = await runIncrements(s, count, false);
        expect(final).toBe(count);
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      }),
      { numRuns: 40 },
    );
  });

  it("an await on non-storage I/O between read and write opens the gate, and fc.scheduler finds a lost update", async () => {
    // This is the Q1 lost-update mutant: the input gate only covers storage, so the object must
    // not hold a value it read across an unrelated await.
    const outcome = await fc.check(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (s, count) => {
        const { final } = await runIncrements(s, count, true);
        expect(final).toBe(count);
      }),
      { numRuns: 100, seed: 42 },
    );
    expect(outcome.failed).toBe(true);
    const [, count] = outcome.counterexample as [fc.Scheduler, number];
    expect(count).toBeGreaterThanOrEqual(2);
  });

  it("blockConcurrencyWhile: no request is delivered until its callback settles", async () => {
    const { sim, runtime } = makeWorld();
    const deliveredAt: number[] = [];
    const ns = runtime
      .namespace("SLOW", (state) => ({
        async hold(): Promise<void> {
          await state.blockConcurrencyWhile(() => sim.sleep(100));
        },
        async ping(): Promise<number> {
          deliveredAt.push(sim.now());
          return sim.now();
        },
      }))
      .forPop("LHR");
    const stub = ns.get(ns.idFromName("one"));
    const held = stub.call("hold");
    const pings = [10, 20, 99].map((t) => sim.sleep(t).then(() => stub.call("ping")));
    await settle(sim, Promise.all([held, ...pings]));
    expect(deliveredAt).toEqual([100, 100, 100]);
  });

  it("blockConcurrencyWhile in the constructor: the first request sees initialised state", async () => {
    const { sim, runtime } = makeWorld();
    const ns = runtime
      .namespace("INIT", (state) => {
        const self = { ready: false, async isReady(): Promise<boolean> { return self.ready; } };
        void state.blockConcurrencyWhile(async () => {
          await sim.sleep(50);
          self.ready = true;
        });
        return self;
      })
      .forPop("LHR");
    const stub = ns.get(ns.idFromName("one"));
    expect(await settle(sim, Promise.all([stub.call("isReady"), stub.call("isReady")]))).toEqual([true, true]);
  });
});

describe("output gate", () => {
  it("a response is not delivered before the write issued before it is durable, even if the write was not awaited", async () => {
    const inner = new MemoryStorageEngine();
    const { sim, runtime } = makeWorld({
      engine: (sim) => new SimulatedLatencyEngine(inner, { sleep: (ms) => sim.sleep(ms), writeMs: 50 }),
    });
    const ns = runtime
      .namespace("FIRE_AND_FORGET", (state) => ({
        async fetch(): Promise<Response> {
          void state.storage.put("k", "v");
          return new Response("saved");
        },
      }))
      .forPop("LHR");
    const object = { namespace: "FIRE_AND_FORGET", objectId: ns.idFromName("a").toString() };
    let seen: { atMs: number; durable: boolean } | undefined;
    const response = ns
      .get(ns.idFromName("a"))
      .fetch(new Request("http://do/"))
      .then(async (r) => {
        seen = { atMs: sim.now(), durable: (await inner.read(object, ["k"])).has("k") };
        return r.text();
      });
    expect(await settle(sim, response)).toBe("saved");
    expect(seen).toEqual({ atMs: 50, durable: true });
  });

  it("a response whose earlier write failed is withheld and the caller gets DO_OUTPUT_GATE_BROKEN", async () => {
    const inner = new MemoryStorageEngine();
    const failing: StorageEngine = { ...bind(inner), write: () => Promise.reject(new Error("disk on fire")) };
    const { sim, runtime } = makeWorld({ engine: () => failing });
    const ns = runtime
      .namespace("BROKEN", (state) => ({
        async fetch(): Promise<Response> {
          void state.storage.put("k", "v");
          return new Response("saved");
        },
      }))
      .forPop("LHR");
    const error = await settle(sim, ns.get(ns.idFromName("a")).fetch(new Request("http://do/")).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(EdgeError);
    expect((error as EdgeError).code).toBe("DO_OUTPUT_GATE_BROKEN");
  });
});

function bind(engine: MemoryStorageEngine): StorageEngine {
  return {
    read: (o, k) => engine.read(o, k),
    list: (o, r) => engine.list(o, r),
    write: (o, b) => engine.write(o, b),
    getAlarm: (o) => engine.getAlarm(o),
    listAlarms: () => engine.listAlarms(),
  };
}
