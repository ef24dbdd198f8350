// Figures for ANSWER.md, measured on this platform with fixed seeds (so answer.test.ts can
// regenerate them and fail if they drift). Run with --write to refresh the block in ANSWER.md.
import { checkLinearizable, counterModel, type CounterInput, type Operation } from "../../src/lin/index.js";
import { staleReadProbability } from "../../src/kv/index.js";
import { Rng, Simulation } from "../../src/sim/index.js";
import { simulatedWorld } from "../../test/katas/q2-kv-vs-do/do-world.js";
import { runKvCounter } from "../../test/katas/q2-kv-vs-do/kv-counter.js";
import { KV_POPS, kvOn, kvStoreOn, makeKvWorld } from "../../test/katas/q2-kv-vs-do/kv-world.js";
import { counterObject, increment as doIncrement } from "./level-3-do-counter.js";
import { readSession, sessionObject, type SessionEnv, writeSession } from "./level-4-session-store.js";
import { figuresMain } from "../lib/answer-figures.js";

const TRIALS = 40;
const WRITE_AT_MS = 200_000;
const SAMPLES_S = [0, 5, 10, 20, 29, 30, 45, 59, 60] as const;

/**
 * Fraction of the other PoPs that still read the old value `t` seconds after a write at LHR,
 * over seeded worlds. Every PoP reads the key once a second (a busy PoP keeps it cached),
 * from its own seeded phase.
 */
async function stalenessRows(cacheTtl: number): Promise<string[]> {
  const stale: number[] = SAMPLES_S.map(() => 0);
  const readers = KV_POPS.filter((p) => p !== "LHR");
  for (let trial = 0; trial < TRIALS; trial++) {
    const world = makeKvWorld(1_000 + trial);
    await world.at("LHR").put("flag", "old");
    const reads: Array<Promise<void>> = [];
    // Each PoP starts reading at its own phase, so their cache refreshes are not in lockstep.
    const phase = new Rng(trial).fork("phase");
    for (const pop of readers) {
      const startMs = 100_000 + phase.int(0, 999) * 60;
      for (let t = startMs; t <= 300_000; t += 1_000) {
        world.sim.at(t, () => {
          // The read happens when get() is called; the promise only carries the answer.
          const got = world.at(pop).get("flag", { cacheTtl });
          const sample = SAMPLES_S.findIndex((x) => t - WRITE_AT_MS >= x * 1_000 && t - WRITE_AT_MS < x * 1_000 + 1_000);
          if (sample >= 0) reads.push(got.then((v) => void (v === "old" && (stale[sample] = (stale[sample] as number) + 1))));
        }, "read");
      }
    }
    world.sim.run(WRITE_AT_MS - 1);
    world.sim.run(WRITE_AT_MS);
    await world.at("LHR").put("flag", "new");
    world.sim.run();
    await Promise.all(reads);
  }
  const simulated = stale.map((n) => `${((100 * n) / (TRIALS * readers.length)).toFixed(0)}%`);
  const law = SAMPLES_S.map((x) => `${(100 * staleReadProbability(x * 1_000, cacheTtl * 1_000, 1_000)).toFixed(0)}%`);
  return [`| ${cacheTtl} s | simulated | ${simulated.join(" | ")} |`, `| ${cacheTtl} s | law (T − 1 − ⌊t⌋) / T | ${law.join(" | ")} |`];
}

/** Network time of a read: KV by the layer that answers it, a DO placed in London. */
async function latencyRows(): Promise<string[]> {
  const sim = new Simulation({ seed: 7, trace: false });
  const world = simulatedWorld(sim, "COUNTERS", counterObject({ audit: async () => undefined }));
  const kv = makeKvWorld(7).store;
  const rows: string[] = [];
  // The object is placed near its first caller, London.
  const first = doIncrement({ KV: kvOn(sim)("LHR"), COUNTERS: world.ns.forPop("LHR") }, "views");
  await sim.runAsync();
  await first;
  for (const pop of ["LHR", "FRA", "IAD", "SIN", "NRT", "SYD"]) {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const call = world.ns.forPop(pop).get(world.ns.idFromName("views")).call("read");
      await sim.runAsync();
      await call;
      samples.push((world.calls[world.calls.length - 1] as { networkMs: number }).networkMs);
    }
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const ms = (source: "pop" | "tier" | "central"): string => kv.readNetworkMs(pop, source).toFixed(0);
    rows.push(`| ${pop} | ${ms("pop")} | ${ms("tier")} | ${ms("central")} | ${mean.toFixed(1)} |`);
  }
  return rows;
}

/**
 * Session reads for roaming users: KV first with the version cookie (level 4) vs every read
 * from the object. A read's time is the simulated time of its Durable Object calls plus the
 * modelled network time of its KV read (KV calls take no simulated time).
 */
async function sessionRow(doOnly: boolean): Promise<string> {
  const sim = new Simulation({ seed: 11, trace: false });
  const world = simulatedWorld(sim, "SESSIONS", sessionObject);
  const kvStore = kvStoreOn(sim, ["LHR", "CDG", "IAD", "NRT"]);
  const kvNs = kvStore.namespace("q2");
  const env = (pop: string): SessionEnv => ({ KV: kvNs.atPop(pop), SESSIONS: world.ns.forPop(pop) });
  const rng = sim.rng.fork("users");
  const latencies: number[] = [];
  let edge = 0;
  const users = Array.from({ length: 20 }, async (_, u) => {
    const home = rng.pick(["LHR", "CDG", "IAD", "NRT"]);
    let cookie: string | null = null;
    for (let step = 0; step < 60; step++) {
      await sim.sleep(5_000);
      const pop = rng.bool(0.8) ? home : rng.pick(["LHR", "CDG", "IAD", "NRT"]);
      if (step % 12 === 0) {
        cookie = (await writeSession(env(pop), `u${u}`, `state-${step}`, cookie)).cookie;
        continue;
      }
      const start = sim.now();
      const callsBefore = world.calls.length;
      const readsBefore = kvStore.readsBy;
      if (doOnly) await world.ns.forPop(pop).get(world.ns.idFromName(`u${u}`)).call("read");
      else cookie = (await readSession(env(pop), `u${u}`, cookie)).cookie;
      const readsAfter = kvStore.readsBy;
      let kvMs = 0;
      for (const source of ["pop", "tier", "central"] as const) kvMs += (readsAfter[source] - readsBefore[source]) * kvStore.readNetworkMs(pop, source);
      latencies.push(sim.now() - start + kvMs);
      if (world.calls.length === callsBefore) edge++;
    }
  });
  const all = Promise.all(users);
  await sim.runAsync();
  await all;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const p95 = latencies[Math.floor(latencies.length * 0.95)] as number;
  return `| ${doOnly ? "every read from the Durable Object" : "KV first, DO when the cookie is newer (level 4)"} | ${((100 * edge) / latencies.length).toFixed(0)}% | ${mean.toFixed(1)} | ${p95.toFixed(1)} |`;
}

/**
 * Ten increments, two from each of five PoPs, 1.5 s apart (over KV's 1 write/s per key) in a
 * seeded order, on KV (get with cacheTtl 30 s, then put) and on a Durable Object.
 */
async function lostUpdateRows(): Promise<string[]> {
  const pops = ["LHR", "IAD", "NRT", "SYD", "GRU"];
  let kvViolations = 0;
  let kvLost = 0;
  let kvRefused = 0;
  let doViolations = 0;
  let doLost = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const order = new Rng(2_000 + trial).fork("order").shuffle(pops.flatMap((pop) => [pop, pop]));
    const increments = order.map((pop, i) => ({ pop, atMs: i * 1_500 }));
    const { history, rateLimited } = await runKvCounter(2_000 + trial, pops, increments);
    kvRefused += rateLimited;
    if (checkLinearizable(counterModel(), history).ok === false) kvViolations++;
    kvLost += history.length - new Set(history.map((o) => o.output)).size;
    const sim = new Simulation({ seed: 2_000 + trial, trace: false });
    const world = simulatedWorld(sim, "COUNTERS", counterObject({ audit: async () => undefined }));
    const doHistory: Operation<CounterInput, number>[] = [];
    const runs = increments.map(async (inc, i) => {
      await sim.sleep(inc.atMs);
      const call = sim.now();
      const output = await doIncrement({ KV: kvOn(sim)(inc.pop), COUNTERS: world.ns.forPop(inc.pop) }, "views");
      doHistory.push({ clientId: i, input: { kind: "increment" }, output, call, ret: sim.now() });
    });
    const all = Promise.all(runs);
    await sim.runAsync();
    await all;
    if (checkLinearizable(counterModel(), doHistory).ok === false) doViolations++;
    doLost += doHistory.length - new Set(doHistory.map((o) => o.output)).size;
  }
  return [
    `| KV get + put | ${kvViolations} / ${TRIALS} | ${kvLost} | ${kvRefused} |`,
    `| Durable Object | ${doViolations} / ${TRIALS} | ${doLost} | 0 |`,
  ];
}

export async function figures(): Promise<string> {
  return [
    "All figures below are **simulation results** of this platform's model (`src/kv`, `src/durable-objects`), seeded and regenerated by `npm run figures`; they are not Cloudflare measurements.",
    "",
    `**KV staleness after a write at LHR** (share of the other ${KV_POPS.length - 1} PoPs whose read still returns the old value t seconds later; every PoP reads once a second from its own phase; t=x s means the read in [x, x+1) s; ${TRIALS} seeded worlds; the law is \`staleReadProbability\` in src/kv, for a PoP alone in its regional tier).`,
    "",
    `| cacheTtl | | ${SAMPLES_S.map((s) => `t=${s} s`).join(" | ")} |`,
    `|---|---|${SAMPLES_S.map(() => "---:").join("|")}|`,
    ...(await stalenessRows(30)),
    ...(await stalenessRows(60)),
    "",
    "**Read latency, modelled network ms** (round trips only: a KV read answered by the PoP's own cache, by its regional tier, or by a central store; a read from a Durable Object placed in London, mean of 20 seeded reads).",
    "",
    "| reader PoP | KV, PoP cache (hot) | KV, regional tier | KV, central store (cold) | Durable Object |",
    "|---|---:|---:|---:|---:|",
    ...(await latencyRows()),
    "",
    "**Session reads** (20 users, 80% of requests at a home PoP among LHR/CDG/IAD/NRT, a write every minute, a read every 5 s; seed 11; ms = Durable Object round trips in simulated time + the KV read's modelled network time).",
    "",
    "| read path | served at the edge | mean ms | p95 ms |",
    "|---|---:|---:|---:|",
    await sessionRow(false),
    await sessionRow(true),
    "",
    `**Lost updates** (10 increments: two from each of LHR, IAD, NRT, SYD, GRU, 1.5 s apart in a seeded order; ${TRIALS} seeded worlds; lost = increments that returned a value another increment also returned).`,
    "",
    "| counter | histories the checker rejects | increments lost | refused with 429 |",
    "|---|---:|---:|---:|",
    ...(await lostUpdateRows()),
  ].join("\n");
}

await figuresMain(import.meta.url, figures);
