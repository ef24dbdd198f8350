// setTimeout/setInterval wait on the host's sleeper; with a Simulation's sleep they run on
// virtual time, and time inside the isolate moves exactly as the timers fire.
import { afterAll, describe, expect, it } from "vitest";
import { Simulation } from "../../../src/sim/simulation.js";
import { Worker, type WorkerResult } from "../../../src/workers/index.js";

const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));

/** Drives the simulation until the request completes; isolate replies arrive from another thread. */
async function fetchInSimulation(sim: Simulation, w: Worker): Promise<WorkerResult> {
  let result: WorkerResult | undefined;
  const pending = w.fetch(new Request("https://timers.example/")).then((r) => (result = r));
  for (let i = 0; i < 100_000 && result === undefined; i++) await sim.runAsync();
  return pending;
}

describe("timers", () => {
  it("setTimeout, clearTimeout and setInterval fire on simulated time and advance Date.now by exactly the delay", async () => {
    const sim = new Simulation({ seed: 1, startMs: 1_000_000, trace: false });
    const w = new Worker(
      `export default { async fetch() {
        const t0 = Date.now();
        const fired = [];
        const cancelled = setTimeout(() => fired.push("cancelled"), 10);
        clearTimeout(cancelled);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const t1 = Date.now();
        let ticks = 0;
        await new Promise((resolve) => { const id = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(id); resolve(); } }, 250); });
        return Response.json({ waited: t1 - t0, afterInterval: Date.now() - t1, ticks, fired });
      } };`,
      { name: "timers", cpuMsMax: 1_000 },
      { clock: sim.clock, sleep: (ms) => sim.sleep(ms) },
    );
    workers.push(w);
    const r = await fetchInSimulation(sim, w);
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    expect(await r.response.json()).toEqual({ waited: 1_000, afterInterval: 750, ticks: 3, fired: [] });
  });

  it("an exception in a timer callback is logged, not fatal", async () => {
    const sim = new Simulation({ seed: 2, trace: false });
    const w = new Worker(
      `export default { async fetch() {
        setTimeout(() => { throw new Error("timer bug"); }, 5);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return new Response("still fine");
      } };`,
      { name: "timer-throws", cpuMsMax: 1_000 },
      { clock: sim.clock, sleep: (ms) => sim.sleep(ms) },
    );
    workers.push(w);
    const r = await fetchInSimulation(sim, w);
    expect(await r.response.text()).toBe("still fine");
    expect(r.logs.some((l) => l.level === "error" && l.message.includes("timer bug"))).toBe(true);
  });
});
