/**
 * Figure: what a Durable Object costs its callers. One counter object is created by a first
 * request in London, so it lives there; callers in other PoPs then read it and increment it.
 * Each bar is the time from the call to the result reaching the caller, measured in virtual
 * time by `DurableObjectRuntime` (network both ways, plus the durable write the output gate
 * waits for on an increment).
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { DurableObjectRuntime, type CallMetrics } from "../../src/durable-objects/index.js";
import { LatencyModel, POPS, Simulation, greatCircleKm, popByCode } from "../../src/sim/index.js";
import { MemoryStorageEngine, SimulatedLatencyEngine } from "../../src/storage/index.js";
import { barChart } from "./lib/svg.js";

export const FIGURE_SEED = 1;
const HOME_POP = "LHR";
const CALLERS = ["LHR", "CDG", "FRA", "IAD", "ORD", "DFW", "SJC", "BOM", "GRU", "JNB", "SIN", "NRT", "SYD"];
// A model parameter, not a Cloudflare figure: time for a write to become durable.
export const WRITE_DURABLE_MS = 10;

export async function render(): Promise<string> {
  const sim = new Simulation({ seed: FIGURE_SEED, trace: false });
  const calls: CallMetrics[] = [];
  const runtime = new DurableObjectRuntime({
    sim,
    // Jitter off so that each bar is the model's distance cost, not one random sample.
    latency: new LatencyModel({ rng: sim.rng.fork("latency"), jitterMsMean: 0 }),
    pops: POPS,
    engine: new SimulatedLatencyEngine(new MemoryStorageEngine(), { sleep: (ms) => sim.sleep(ms), writeMs: WRITE_DURABLE_MS }),
    rng: sim.rng.fork("durable-objects"),
    onCall: (m) => calls.push(m),
  });
  const ns = runtime.namespace("COUNTER", (state) => ({
    async read(): Promise<number> {
      return (await state.storage.get<number>("n")) ?? 0;
    },
    async increment(): Promise<number> {
      const n = ((await state.storage.get<number>("n")) ?? 0) + 1;
      await state.storage.put("n", n);
      return n;
    },
  }));
  const id = ns.idFromName("global-counter");
  const home = popByCode(HOME_POP)!;
  const callers = CALLERS.filter((c) => popByCode(c) !== undefined).sort((a, b) => greatCircleKm(home, popByCode(a)!) - greatCircleKm(home, popByCode(b)!));
  const readMs: number[] = [];
  const writeMs: number[] = [];
  for (const code of callers) {
    for (const method of ["read", "increment"] as const) {
      const done = ns.forPop(code).get(id).call(method);
      await sim.runAsync();
      await done;
      (method === "read" ? readMs : writeMs).push((calls[calls.length - 1] as CallMetrics).totalMs);
    }
  }
  return barChart({
    title: `One Durable Object in ${runtime.locate(id)}: call time from callers in other PoPs`,
    yLabel: "ms from call to result",
    categories: callers,
    series: [
      { name: "read", values: readMs },
      { name: "increment (write)", values: writeMs },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "do-latency.svg", await render());
