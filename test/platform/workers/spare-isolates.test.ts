// A spare isolate (built before the request, see src/workers/spare-isolates.ts) must be
// indistinguishable from one built on demand: same globals, the tenant's own clock, one
// tenant only.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { HostBridge } from "../../../src/workers/host-bridge.js";
import { Worker } from "../../../src/workers/index.js";
import { resolveWorkerConfig } from "../../../src/workers/config.js";
import { prepareIsolate, spareIsolates } from "../../../src/workers/spare-isolates.js";

const workers: Worker[] = [];
afterEach(() => {
  spareIsolates.enabled = true;
});
afterAll(() => {
  workers.forEach((w) => w.dispose());
  spareIsolates.clear();
});

const GLOBALS_AND_CLOCK = `export default { async fetch() {
  return Response.json({ names: Object.getOwnPropertyNames(globalThis).sort(), now: Date.now(),
    perf: performance.now(), origin: performance.timeOrigin, secret: typeof globalThis.secret });
} };`;

async function spareReady(): Promise<void> {
  spareIsolates.enabled = true;
  spareIsolates.prime();
  await new Promise((resolve) => setImmediate(resolve));
}

/** Deploys `source` and answers one request; says whether a spare served the cold start. */
async function coldRun(source: string, clock: VirtualClock, useSpare: boolean): Promise<{ body: Record<string, unknown>; spare: boolean }> {
  if (useSpare) await spareReady();
  else {
    spareIsolates.enabled = false;
    spareIsolates.clear();
  }
  const taken = spareIsolates.taken;
  const w = new Worker(source, { name: `spare-test-${workers.length}` }, { clock });
  workers.push(w);
  const r = await w.fetch(new Request("https://spare.example/"));
  expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
  expect(r.cold).toBe(true);
  return { body: (await r.response.json()) as Record<string, unknown>, spare: spareIsolates.taken === taken + 1 };
}

describe("spare isolates", () => {
  it("a cold start on a spare sees exactly the globals of one built on demand, and its own clock", async () => {
    const onDemand = await coldRun(GLOBALS_AND_CLOCK, new VirtualClock(1_000), false);
    const spare = await coldRun(GLOBALS_AND_CLOCK, new VirtualClock(7_000_000), true);
    expect(onDemand.spare).toBe(false);
    expect(spare.spare).toBe(true);
    expect(spare.body.names).toEqual(onDemand.body.names);
    // The spare was built at another time; the tenant's clock starts when it is handed over.
    expect(spare.body).toMatchObject({ now: 7_000_000, perf: 0, origin: 7_000_000 });
    expect(onDemand.body).toMatchObject({ now: 1_000, perf: 0, origin: 1_000 });
  });

  it("a spare serves one tenant: what a tenant leaves in its global scope never reaches the next", async () => {
    const a = await coldRun(`globalThis.secret = "A"; ${GLOBALS_AND_CLOCK}`, new VirtualClock(0), true);
    const b = await coldRun(GLOBALS_AND_CLOCK, new VirtualClock(0), true);
    expect(a.spare && b.spare).toBe(true);
    expect(a.body.secret).toBe("string");
    expect(b.body.secret).toBe("undefined");
  });

  it("an isolate cannot be attached to a second tenant", () => {
    const prepared = prepareIsolate(128, 0);
    try {
      const bridge = (): HostBridge => new HostBridge(resolveWorkerConfig({ name: "t" }), new VirtualClock(0), () => Promise.reject(new Error("none")), () => Promise.resolve());
      prepared.attach(bridge());
      expect(() => prepared.attach(bridge())).toThrow("already has a tenant");
    } finally {
      prepared.isolate.dispose();
    }
  });

  it("a worker with a non-default memory limit gets an isolate built for that limit, not the spare", async () => {
    await spareReady();
    const taken = spareIsolates.taken;
    const w = new Worker(GLOBALS_AND_CLOCK, { name: "spare-test-64mb", memoryMbMax: 64, cpuMsMax: 1_000 }, { clock: new VirtualClock(0) });
    workers.push(w);
    const r = await w.fetch(new Request("https://spare.example/"));
    expect(r.outcome).toBe("ok");
    expect(spareIsolates.taken).toBe(taken);
  });
});
