/** Simulation core throughput: events per second through the virtual clock and event queue. */
import { Simulation } from "../src/sim/index.js";
import { type BenchRow } from "./lib/rows.js";


export async function run(): Promise<BenchRow[]> {
  const events = 2_000_000;
  const sim = new Simulation({ seed: 1, trace: false, maxEvents: events + 10 });
  const rng = sim.rng.fork("bench");
  let scheduled = 0;
  const tick = (): void => {
    if (scheduled++ < events) sim.schedule(rng.exponential(1), tick, "tick");
  };
  for (let i = 0; i < 1000; i++) tick();
  const started = performance.now();
  sim.run();
  const seconds = (performance.now() - started) / 1000;
  return [{ name: "simulation events/s (heap of 1,000 pending)", value: sim.eventsRun / seconds, unit: "events/s" }];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
