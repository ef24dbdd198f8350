import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { POPS, popByCode, type Pop } from "../../../src/sim/index.js";
import { makeWorld, settle } from "./world.js";

const BIG_POPS = ["LHR", "IAD", "NRT", "FRA", "SIN", "SJC", "SYD", "GRU", "JNB", "CDG", "AMS", "ORD", "DFW", "LAX", "HKG", "BOM"];

function pop(code: string): Pop {
  const found = popByCode(code);
  if (found === undefined) throw new Error(`test needs PoP ${code}`);
  return found;
}

describe("placement: one live instance per id worldwide", () => {
  it("concurrent first calls from many PoPs create exactly one instance, placed at the first caller's PoP", async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(BIG_POPS, { minLength: 2 }), async (callers) => {
        const { sim, runtime } = makeWorld();
        let constructed = 0;
        const ns = runtime.namespace("ROOM", async () => {
          const serial = ++constructed;
          // A slow constructor widens the window in which a second instance could be made.
          await sim.sleep(20);
          return { async whoami(): Promise<number> { return serial; } };
        });
        const id = ns.idFromName("lobby");
        const answers = callers.map((code) => ns.forPop(code).get(id).call("whoami"));
        expect(await settle(sim, Promise.all(answers))).toEqual(callers.map(() => 1));
        expect(constructed).toBe(1);
        expect(runtime.instancesCreated).toBe(1);
        expect(runtime.locate(id)).toBe(callers[0]);
      }),
      { numRuns: 15 },
    );
  });

  it("places a new object at the healthy hosting PoP nearest its first caller", async () => {
    const hosts = [pop("LHR"), pop("SIN"), pop("IAD")];
    const { sim, runtime } = makeWorld({ pops: hosts });
    const ns = runtime.namespace("ROOM", () => ({ async ping(): Promise<string> { return "pong"; } }));
    const fromParis = ns.idFromName("paris");
    const fromTokyo = ns.idFromName("tokyo");
    await settle(sim, Promise.all([ns.forPop("CDG").get(fromParis).call("ping"), ns.forPop("NRT").get(fromTokyo).call("ping")]));
    expect(runtime.locate(fromParis)).toBe("LHR");
    expect(runtime.locate(fromTokyo)).toBe("SIN");
  });
});

describe("latency: callers far from the object pay the network both ways", () => {
  it("round trip equals the latency model's propagation there and back; same PoP pays nothing", async () => {
    const { sim, runtime, latency, calls } = makeWorld();
    const ns = runtime.namespace("ROOM", () => ({ async ping(): Promise<string> { return "pong"; } }));
    const id = ns.idFromName("london-room");
    const home = ns.forPop("LHR").get(id);
    await settle(sim, home.call("ping"));
    expect(home.lastRoundTripMs).toBe(0);

    const near = ns.forPop("CDG").get(id);
    const far = ns.forPop("SYD").get(id);
    await settle(sim, Promise.all([near.call("ping"), far.call("ping")]));
    const expectedNear = 2 * latency.propagationMs(pop("CDG"), pop("LHR"));
    const expectedFar = 2 * latency.propagationMs(pop("SYD"), pop("LHR"));
    expect(near.lastRoundTripMs).toBeCloseTo(expectedNear, 9);
    expect(far.lastRoundTripMs).toBeCloseTo(expectedFar, 9);
    // London–Sydney is about 17,000 km: over 250 ms round trip at 1.5x route stretch in fibre.
    expect(far.lastRoundTripMs as number).toBeGreaterThan(250);
    expect(far.lastRoundTripMs as number).toBeGreaterThan(10 * (near.lastRoundTripMs as number));
    const farCall = calls.find((c) => c.callerPop === "SYD");
    expect(farCall).toMatchObject({ objectPop: "LHR", kind: "call" });
    expect(farCall?.totalMs).toBeGreaterThanOrEqual(farCall?.networkMs as number);
  });

  it("for any two PoPs, a caller's network time is exactly the latency model's round trip between the two PoPs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POPS), fc.constantFrom(...POPS), async (objectPop, callerPop) => {
        const { sim, runtime, latency } = makeWorld();
        const ns = runtime.namespace("ROOM", () => ({ async ping(): Promise<string> { return "pong"; } }));
        const id = ns.idFromName("x");
        await settle(sim, ns.forPop(objectPop.code).get(id).call("ping"));
        const stub = ns.forPop(callerPop.code).get(id);
        await settle(sim, stub.call("ping"));
        const expected = callerPop.code === objectPop.code ? 0 : 2 * latency.propagationMs(callerPop, objectPop);
        expect(stub.lastRoundTripMs).toBeCloseTo(expected, 9);
      }),
      { numRuns: 30 },
    );
  });
});
