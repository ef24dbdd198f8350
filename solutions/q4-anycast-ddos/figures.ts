// Figures for ANSWER.md, measured on this platform's 410-PoP dataset with fixed seeds (so
// answer.test.ts can regenerate them and fail if they drift). Run with --write to refresh the
// block in ANSWER.md.
import { AnycastNetwork, catchmentLatency, generateAsGraph, nearestPopByGeography, type AsGraph, type AsNode, type CatchmentEntry } from "../../src/net/index.js";
import { CLIENT_POPULATIONS, LatencyModel, POPS, Rng } from "../../src/sim/index.js";
import { absorb, planCapacity } from "./level-6-absorption.js";
import { figuresMain } from "../lib/answer-figures.js";
import { fact } from "../../src/facts/index.js";

const WORLD_SEED = 1;
// The one site a unicast deployment would use: Ashburn, the densest interconnection hub.
const UNICAST_POP = "IAD";
const LEGIT_GBPS = 200;
// Uniform ingress per PoP for the goodput table; a single site gets the same.
const POP_CAPACITY_GBPS = 1000;
// Two of the attacks are Cloudflare's (facts registry): the 7.3 Tbps attack of May 2025 (its
// blog post describes the distributed mitigation) and the largest it has reported since.
const MAY_2025 = fact("ddos.may2025Tbps");
const RECORD = fact("ddos.recordTbps");
const MAY_2025_ATTACK_GBPS = Math.round(MAY_2025.value * 1000);
const RECORD_ATTACK_GBPS = Math.round(RECORD.value * 1000);
const ATTACKS_GBPS = [500, 2_000, MAY_2025_ATTACK_GBPS, 20_000, RECORD_ATTACK_GBPS, 100_000].sort((a, b) => a - b);

interface World {
  graph: AsGraph;
  anycast: CatchmentEntry[];
  unicast: CatchmentEntry[];
  codes: string[];
}

function world(): World {
  const graph = generateAsGraph({ rng: new Rng(WORLD_SEED), pops: POPS, clients: CLIENT_POPULATIONS });
  const codes = POPS.map((p) => p.code);
  const anycast = new AnycastNetwork(graph);
  anycast.announce(codes);
  const unicast = new AnycastNetwork(graph);
  unicast.announce([UNICAST_POP]);
  return { graph, anycast: anycast.catchment(), unicast: unicast.catchment(), codes };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ms = (x: number): string => x.toFixed(1);

function weightShare(entries: readonly CatchmentEntry[], keep: (e: CatchmentEntry) => boolean): number {
  const total = entries.reduce((s, e) => s + e.weight, 0);
  return entries.filter(keep).reduce((s, e) => s + e.weight, 0) / total;
}

function catchmentRows(w: World): string[] {
  const latency = new LatencyModel({ rng: new Rng(WORLD_SEED) });
  const any = catchmentLatency(w.graph, w.anycast, latency);
  const uni = catchmentLatency(w.graph, w.unicast, latency);
  const nearest = w.anycast.map((e) => ({ ...e, popCode: nearestPopByGeography(w.graph, w.graph.nodes[e.accessNode] as AsNode, w.codes) }));
  const ideal = catchmentLatency(w.graph, nearest, latency);
  const byCode = new Map(nearest.map((e) => [e.accessNode, e.popCode]));
  const notNearest = w.anycast.filter((e) => e.popCode !== byCode.get(e.accessNode));
  const used = new Set(w.anycast.map((e) => e.popCode).filter((c) => c !== null)).size;
  return [
    `| client → PoP propagation delay, p50 / p90 (ms) | ${ms(uni.medianMs)} / ${ms(uni.p90Ms)} | ${ms(any.medianMs)} / ${ms(any.p90Ms)} | ${ms(ideal.medianMs)} / ${ms(ideal.p90Ms)} |`,
    `| PoPs with a non-empty catchment | 1 of 1 | ${used} of ${w.codes.length} | ${new Set(nearest.map((e) => e.popCode)).size} of ${w.codes.length} |`,
    `| eyeball networks (traffic share) not at their geographically nearest PoP | — | ${notNearest.length} of ${w.anycast.length} (${pct(weightShare(w.anycast, (e) => notNearest.includes(e)))}) | 0 |`,
  ];
}

function failoverRows(w: World): string[] {
  const load = new Map<string, number>();
  for (const e of w.anycast) if (e.popCode !== null) load.set(e.popCode, (load.get(e.popCode) ?? 0) + e.weight);
  const busiest = [...load.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] as string;
  const net = new AnycastNetwork(w.graph);
  net.announce(w.codes);
  net.withdraw(busiest);
  const after = new Map(net.catchment().map((e) => [e.accessNode, e.popCode]));
  const moved = w.anycast.filter((e) => after.get(e.accessNode) !== e.popCode);
  const strayed = moved.filter((e) => e.popCode !== busiest);
  const stranded = [...after.values()].filter((c) => c === null).length;
  const latency = new LatencyModel({ rng: new Rng(WORLD_SEED) });
  const before = catchmentLatency(w.graph, moved, latency);
  const now = catchmentLatency(w.graph, moved.map((e) => ({ ...e, popCode: after.get(e.accessNode) ?? null })), latency);
  const to = [...new Set(moved.map((e) => after.get(e.accessNode)))].sort().join(", ");
  return [
    `| busiest PoP withdrawn | ${busiest} (${pct(weightShare(w.anycast, (e) => e.popCode === busiest))} of client traffic) |`,
    `| eyeball networks moved | ${moved.length} (to ${to}) |`,
    `| moved although not in ${busiest}'s catchment / left without a route | ${strayed.length} / ${stranded} |`,
    `| moved clients' delay p50 / p90, before → after (ms) | ${ms(before.medianMs)} / ${ms(before.p90Ms)} → ${ms(now.medianMs)} / ${ms(now.p90Ms)} |`,
  ];
}

function goodputRows(w: World): string[] {
  const plan = planCapacity(w.anycast, { legitGbps: LEGIT_GBPS, attackGbps: 20_000 });
  const planned = Object.values(plan).reduce((s, v) => s + v, 0);
  return ATTACKS_GBPS.map((attackGbps) => {
    const uni = absorb({ catchment: w.unicast, legitGbps: LEGIT_GBPS, attackGbps, capacityGbps: POP_CAPACITY_GBPS });
    const any = absorb({ catchment: w.anycast, legitGbps: LEGIT_GBPS, attackGbps, capacityGbps: POP_CAPACITY_GBPS });
    const sized = absorb({ catchment: w.anycast, legitGbps: LEGIT_GBPS, attackGbps, capacityGbps: plan });
    const over = any.pops.filter((p) => p.overloaded).length;
    const tbps = (attackGbps / 1000).toFixed(1);
    const label =
      attackGbps === RECORD_ATTACK_GBPS
        ? `[${RECORD.display}][ddos.recordTbps] (Cloudflare's largest reported)`
        : attackGbps === MAY_2025_ATTACK_GBPS
          ? `[${MAY_2025.display}][ddos.may2025Tbps] (Cloudflare, May 2025)`
          : tbps;
    return `| ${label} | ${pct(uni.goodputFraction)} | ${pct(any.goodputFraction)} (${over} overloaded) | ${pct(sized.goodputFraction)} (${(planned / 1000).toFixed(1)} Tbps in total) |`;
  });
}

export async function figures(): Promise<string> {
  const w = world();
  return [
    `**Catchments** (simulated on this platform: a generated AS graph over the 410-PoP dataset, ${w.anycast.length} eyeball networks, AS graph seed ${WORLD_SEED}; delay = great circle × 1.5 at 204 km/ms + 0.5 ms, weighted by traffic).`,
    "",
    `| | unicast (${UNICAST_POP} only) | anycast, BGP catchments | nearest PoP on the map (not what BGP does) |`,
    "|---|---:|---:|---:|",
    ...catchmentRows(w),
    "",
    "**Failover** (simulated: the busiest PoP stops announcing; BGP re-converges).",
    "",
    "| | |",
    "|---|---|",
    ...failoverRows(w),
    "",
    `**Goodput under a volumetric attack** (a fluid model on this platform, not Cloudflare's capacity: ${LEGIT_GBPS} Gbps legitimate; botnet spread by population; ${POP_CAPACITY_GBPS} Gbps per PoP unless planned; last column: level-6 plan for 20 Tbps).`,
    "",
    `| attack (Tbps) | unicast ${UNICAST_POP}, ${POP_CAPACITY_GBPS / 1000} Tbps | anycast, ${POP_CAPACITY_GBPS / 1000} Tbps per PoP (${(POPS.length * POP_CAPACITY_GBPS / 1000).toFixed(0)} Tbps in total) | anycast, per-PoP plan |`,
    "|---:|---:|---:|---:|",
    ...goodputRows(w),
  ].join("\n");
}

await figuresMain(import.meta.url, figures);
