import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DurableObjectStateApi } from "../../../src/core/bindings.js";
import { DO_ALARM_RETRIES_MAX } from "../../../src/durable-objects/index.js";
import { SqliteStorage } from "../../../src/storage/index.js";
import { makeWorld } from "./world.js";

/** Runs a world whose object's alarm() throws `failures` times, and returns when it ran. */
async function alarmAttempts(failures: number): Promise<{ attemptsAtMs: number[]; alarmAfter: number | null }> {
  const { sim, runtime } = makeWorld();
  const attemptsAtMs: number[] = [];
  let state: DurableObjectStateApi | undefined;
  const ns = runtime
    .namespace("REMINDER", (s) => {
      state = s;
      return {
        async arm(atMs: number): Promise<void> {
          await s.storage.setAlarm(atMs);
        },
        async alarm(): Promise<void> {
          attemptsAtMs.push(sim.now());
          if (attemptsAtMs.length <= failures) throw new Error(`flaky downstream (attempt ${attemptsAtMs.length})`);
        },
      };
    })
    .forPop("LHR");
  const armed = ns.get(ns.idFromName("r")).call("arm", 1000);
  await sim.runAsync();
  await armed;
  const alarmAfter = await (state as DurableObjectStateApi).storage.getAlarm();
  return { attemptsAtMs, alarmAfter };
}

describe("alarms", () => {
  it("a throwing alarm() is retried with backoff 2 s, 4 s, 8 s… until it succeeds, at most 6 retries", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), async (failures) => {
        const { attemptsAtMs, alarmAfter } = await alarmAttempts(failures);
        const attempts = Math.min(failures + 1, 1 + DO_ALARM_RETRIES_MAX);
        const expected = [1000];
        for (let retry = 1; retry < attempts; retry++) expected.push((expected[retry - 1] as number) + 2000 * 2 ** (retry - 1));
        expect(attemptsAtMs).toEqual(expected);
        // Succeeded or gave up: either way the alarm is no longer pending.
        expect(alarmAfter).toBeNull();
      }),
      { numRuns: 10 },
    );
  });

  it("the full retry schedule is 1 s, then +2, +4, +8, +16, +32, +64 s", async () => {
    const { attemptsAtMs } = await alarmAttempts(100);
    expect(attemptsAtMs).toEqual([1000, 3000, 7000, 15000, 31000, 63000, 127000]);
  });

  it("an alarm() that sets a new alarm is run again at the new time (at least once per setAlarm)", async () => {
    const { sim, runtime } = makeWorld();
    const ranAtMs: number[] = [];
    const ns = runtime
      .namespace("TICKER", (s) => ({
        async start(): Promise<void> {
          await s.storage.setAlarm(500);
        },
        async alarm(): Promise<void> {
          ranAtMs.push(sim.now());
          if (ranAtMs.length < 4) await s.storage.setAlarm(sim.now() + 250);
        },
        async pending(): Promise<number | null> {
          return s.storage.getAlarm();
        },
      }))
      .forPop("LHR");
    const stub = ns.get(ns.idFromName("t"));
    const started = stub.call("start");
    await sim.runAsync();
    await started;
    expect(ranAtMs).toEqual([500, 750, 1000, 1250]);
    const pending = stub.call("pending");
    await sim.runAsync();
    expect(await pending).toBeNull();
  });

  it("deleteAlarm cancels a pending alarm, and setAlarm replaces it", async () => {
    const { sim, runtime } = makeWorld();
    const ranAtMs: number[] = [];
    const ns = runtime
      .namespace("TICKER", (s) => ({
        async plan(): Promise<void> {
          await s.storage.setAlarm(100);
          await s.storage.setAlarm(new Date(300));
          expect(await s.storage.getAlarm()).toBe(300);
        },
        async cancel(): Promise<void> {
          await s.storage.deleteAlarm();
        },
        async alarm(): Promise<void> {
          ranAtMs.push(sim.now());
        },
      }))
      .forPop("LHR");
    const a = ns.get(ns.idFromName("a"));
    const b = ns.get(ns.idFromName("b"));
    const done = Promise.all([a.call("plan"), b.call("plan").then(() => b.call("cancel"))]);
    await sim.runAsync();
    await done;
    expect(ranAtMs).toEqual([300]);
  });

  it("at least once across a migration: an alarm interrupted by a region failure runs again on the new instance", async () => {
    const { sim, runtime } = makeWorld();
    const runs: Array<{ atMs: number; instance: number }> = [];
    let instances = 0;
    const ns = runtime
      .namespace("JOB", (s) => {
        const instance = ++instances;
        return {
          async start(): Promise<void> {
            await s.storage.setAlarm(1000);
          },
          async alarm(): Promise<void> {
            runs.push({ atMs: sim.now(), instance });
            await sim.sleep(10); // Some other I/O, during which the region fails.
            await s.storage.put("done", instance);
          },
          async result(): Promise<unknown> {
            return s.storage.get("done");
          },
        };
      })
      .forPop("LHR");
    const stub = ns.get(ns.idFromName("job"));
    const started = stub.call("start");
    sim.schedule(1005, () => runtime.markRegionUnhealthy("EU"));
    await sim.runAsync();
    await started;
    // The first run failed at 1010 (its write was refused); the retry comes 2 s after the failure.
    expect(runs).toEqual([
      { atMs: 1000, instance: 1 },
      { atMs: 3010, instance: 2 },
    ]);
    const result = stub.call("result");
    await sim.runAsync();
    expect(await result).toBe(2);
  });

  it("alarms stored in SQLite survive a restart: restoreAlarms re-arms them in the new runtime", async () => {
    const engine = SqliteStorage.open(":memory:");
    const before = makeWorld({ engine: () => engine });
    const arm = before.runtime
      .namespace("REMINDER", (s) => ({ async arm(): Promise<void> { await s.storage.setAlarm(5000); } }))
      .forPop("SIN");
    const armed = arm.get(arm.idFromName("r")).call("arm");
    await before.sim.runAsync(1000); // The process "dies" at t = 1 s, before the alarm is due.
    await armed;

    const after = makeWorld({ engine: () => engine });
    const firedAt: number[] = [];
    after.runtime.namespace("REMINDER", () => ({ async alarm(): Promise<void> { firedAt.push(after.sim.now()); } }));
    expect(await after.runtime.restoreAlarms("SIN")).toBe(1);
    await after.sim.runAsync();
    expect(firedAt).toEqual([5000]);
    expect(await engine.listAlarms()).toEqual([]);
  });
});
