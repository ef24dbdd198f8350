import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DurableObjectStateApi } from "../../../src/core/bindings.js";
import { EdgeError } from "../../../src/core/errors.js";
import { popByCode } from "../../../src/sim/index.js";
import { MemoryStorageEngine, SimulatedLatencyEngine } from "../../../src/storage/index.js";
import { makeWorld } from "./world.js";

/**
 * An append-only log object; it remembers every state it was built with. Before writing, it
 * awaits some other I/O (`io`), so a move can catch a request between its start and its write.
 */
function logClass(states: DurableObjectStateApi[], io: () => Promise<void> = () => Promise.resolve()) {
  return (state: DurableObjectStateApi) => {
    states.push(state);
    return {
      async append(entry: string): Promise<void> {
        await io();
        await state.storage.put(entry, true);
      },
      async entries(): Promise<string[]> {
        return [...(await state.storage.list()).keys()];
      },
    };
  };
}

describe("migration when a region becomes unhealthy", () => {
  it("every acknowledged write survives; the object moves out of the region; writes of the old instance after the move are refused", async () => {
    let refusedTotal = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 30 }), async (killAtMs, writeMs) => {
        const inner = new MemoryStorageEngine();
        const { sim, runtime } = makeWorld({
          engine: (sim) => new SimulatedLatencyEngine(inner, { sleep: (ms) => sim.sleep(ms), writeMs }),
        });
        const states: DurableObjectStateApi[] = [];
        const ns = runtime.namespace("LOG", logClass(states, () => sim.sleep(3)));
        const id = ns.idFromName("audit");
        const acked: string[] = [];
        const refused: string[] = [];
        const withheld: string[] = [];
        // Three clients stream writes concurrently, each waiting for its previous acknowledgement.
        const client = async (code: string): Promise<void> => {
          const stub = ns.forPop(code).get(id);
          for (let i = 0; i < 20; i++) {
            const entry = `${code}-${String(i).padStart(3, "0")}`;
            await stub.call("append", entry).then(
              () => acked.push(entry),
              (error: unknown) => {
                // Its own write was refused, or an earlier refused write broke the old
                // instance's output gate (its own write may then be stored, but unacknowledged).
                const code = (error as EdgeError).code;
                expect(["DO_INSTANCE_SUPERSEDED", "DO_OUTPUT_GATE_BROKEN"]).toContain(code);
                (code === "DO_INSTANCE_SUPERSEDED" ? refused : withheld).push(entry);
              },
            );
          }
        };
        const done = Promise.all([client("LHR"), client("FRA"), client("IAD")]);
        let ackedBeforeKill = -1;
        sim.schedule(killAtMs, () => {
          ackedBeforeKill = acked.length;
          runtime.markRegionUnhealthy("EU");
        });
        await sim.runAsync();
        await done;

        const movedTo = popByCode(runtime.locate(id) as string);
        expect(movedTo?.region).not.toBe("EU");
        const stored = (await (async () => {
          const entries = ns.forPop("IAD").get(id).call("entries");
          await sim.runAsync();
          return entries;
        })()) as string[];
        for (const entry of acked) expect(stored).toContain(entry);
        // A write refused by the fence is not stored: the old instance never commits after the move.
        for (const entry of refused) expect(stored).not.toContain(entry);
        expect(acked.length + refused.length + withheld.length).toBe(60);
        refusedTotal += refused.length;
        // Killed mid-stream: writes were acknowledged on both sides of the move, by two instances.
        if (ackedBeforeKill > 0 && ackedBeforeKill < acked.length) expect(states.length).toBe(2);
      }),
      // About 6 runs in 10 catch no write in flight at the move, so 10 runs left the check below
      // failing once in ~140 suites; 30 make that once in ~2.6 million.
      { numRuns: 30 },
    );
    // The runs did catch writes in flight at the move (otherwise the property above is vacuous).
    expect(refusedTotal).toBeGreaterThan(0);
  });

  it("the superseded instance's storage calls fail with DO_INSTANCE_SUPERSEDED and store nothing", async () => {
    const { sim, runtime } = makeWorld();
    const states: DurableObjectStateApi[] = [];
    const ns = runtime.namespace("LOG", logClass(states));
    const id = ns.idFromName("audit");
    const lhr = ns.forPop("LHR").get(id);
    const first = lhr.call("append", "before");
    await sim.runAsync();
    await first;
    expect(runtime.locate(id)).toBe("LHR");

    expect(runtime.markRegionUnhealthy("LHR")).toBe(1);
    const old = states[0] as DurableObjectStateApi;
    for (const attempt of [() => old.storage.put("zombie", 1), () => old.storage.get("before"), () => old.storage.list()]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EdgeError);
      expect((error as EdgeError).code).toBe("DO_INSTANCE_SUPERSEDED");
    }
    const entries = lhr.call("entries");
    await sim.runAsync();
    expect(await entries).toEqual(["before"]);
    expect(states.length).toBe(2);
    expect(runtime.locate(id)).not.toBe("LHR");
    expect(runtime.locate(id)).toBeDefined();
  });
});
