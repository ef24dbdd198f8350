/**
 * Figure: the checker's picture of a lost update. Workers at two PoPs count page views in
 * Workers KV with `n = get(); put(n + 1)`, in a `Simulation` of the platform's KV: a Sydney
 * worker reads the counter before anyone has written it, so Sydney caches "not found" for the
 * read's cacheTtl; a London worker increments (its PoP holds no copy, so it reads the central
 * store); a Sydney worker increments a few seconds later from Sydney's cached "not found"; and
 * a reader elsewhere looks once every cache has timed out. The history goes to
 * `checkLinearizable` with a counter model, and `renderTimeline` draws its verdict: the longest
 * linearizable prefix, and the increment that cannot be placed after it.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { KV_CACHE_TTL_SECONDS_MIN, KvStore } from "../../src/kv/index.js";
import { checkLinearizable, counterModel, type CounterInput, type Operation } from "../../src/lin/index.js";
import { renderTimeline } from "../../src/lin/timeline.js";
import { Simulation } from "../../src/sim/index.js";

export const FIGURE_SEED = 1;
const KEY = "views";
/** Every read uses the minimum cacheTtl, the freshest KV offers; the increments are 3 s apart, under it. */
const CACHE_TTL_S = KV_CACHE_TTL_SECONDS_MIN;
const PLAN: ReadonlyArray<{ client: string; pop: string; atMs: number; kind: CounterInput["kind"] }> = [
  { client: "SYD worker B", pop: "SYD", atMs: 0, kind: "read" },
  { client: "LHR worker A", pop: "LHR", atMs: 2_000, kind: "increment" },
  { client: "SYD worker C", pop: "SYD", atMs: 5_000, kind: "increment" },
  { client: "JNB reader", pop: "JNB", atMs: 65_000, kind: "read" },
];

/** Runs the plan on the platform's KV and records what each client saw, with its sim times. */
export async function lostUpdateHistory(seed = FIGURE_SEED): Promise<Operation<CounterInput, number>[]> {
  const sim = new Simulation({ seed, trace: false });
  const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops: [...new Set(PLAN.map((p) => p.pop))] });
  const ns = store.namespace("COUNTER");
  const history: Operation<CounterInput, number>[] = [];
  const pending: Array<Promise<void>> = [];
  for (const step of PLAN) {
    sim.at(step.atMs, () => {
      const kv = ns.atPop(step.pop);
      const call = sim.now();
      pending.push(
        (async () => {
          const n = Number((await kv.get(KEY, { cacheTtl: CACHE_TTL_S })) ?? 0);
          if (step.kind === "increment") await kv.put(KEY, String(n + 1));
          const output = step.kind === "increment" ? n + 1 : n;
          history.push({ clientId: step.client, input: { kind: step.kind } as CounterInput, output, call, ret: sim.now() });
        })(),
      );
    }, step.client);
  }
  await sim.runAsync();
  await Promise.all(pending);
  return history.sort((a, b) => a.call - b.call);
}

export async function render(): Promise<string> {
  const history = await lostUpdateHistory();
  const model = counterModel();
  return renderTimeline(history, checkLinearizable(model, history), { model, title: "A page-view counter in Workers KV: n = get(); put(n + 1) at two PoPs", widthPx: 880, timeUnit: "ms" });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "lin-lost-update.svg", await render());
