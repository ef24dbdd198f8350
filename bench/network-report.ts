/**
 * Network report: anycast vs unicast latency and goodput under a volumetric attack on the
 * shared PoP dataset, and the speed of compiled vs interpreted filter predicates.
 * Run alone: node --no-node-snapshot --import tsx bench/network-report.ts
 */
import { pathToFileURL } from "node:url";
import { CLIENT_POPULATIONS, LatencyModel, POPS, Rng } from "../src/sim/index.js";
import { AnycastNetwork, catchmentLatency, generateAsGraph, nearestPopByGeography } from "../src/net/index.js";
import { compileFilter, interpretFilter, makePacket, parseFilter, simulateVolumetricAttack, type Packet } from "../src/ddos/index.js";
import { type BenchRow } from "./lib/rows.js";


const SEED = 2026;
const POP_CAPACITY_GBPS = 100;
const LEGIT_GBPS = 20;
// Of the order of the largest attacks Cloudflare has reported mitigating (3.8 Tbps, blog, Oct 2024).
const ATTACK_GBPS = 2000;

function routingRows(): BenchRow[] {
  const rng = new Rng(SEED);
  const graph = generateAsGraph({ rng, pops: POPS, clients: CLIENT_POPULATIONS });
  const codes = POPS.map((p) => p.code);
  const unicastPop = codes.includes("IAD") ? "IAD" : (codes[0] as string);
  const anycast = new AnycastNetwork(graph);
  anycast.announce(codes);
  const unicast = new AnycastNetwork(graph);
  unicast.announce([unicastPop]);
  const latency = new LatencyModel({ rng: rng.fork("latency") });
  const any = catchmentLatency(graph, anycast.catchment(), latency);
  const uni = catchmentLatency(graph, unicast.catchment(), latency);
  const entries = anycast.catchment();
  const notNearest = entries.filter((e) => e.popCode !== nearestPopByGeography(graph, graph.nodes[e.accessNode]!, codes));
  const attackGbps = ATTACK_GBPS;
  const attack = { legitGbps: LEGIT_GBPS, attackGbps, capacityGbps: POP_CAPACITY_GBPS };
  const spread = simulateVolumetricAttack({ ...attack, catchment: entries });
  const single = simulateVolumetricAttack({ ...attack, catchment: unicast.catchment() });
  const world = `${codes.length} PoPs, ${CLIENT_POPULATIONS.length} client cities, ${graph.nodes.length} AS nodes, seed ${SEED}`;
  return [
    { name: "anycast client-to-PoP latency p50", value: any.medianMs, unit: "ms", note: `${world}; one-way propagationMs, traffic-weighted` },
    { name: "anycast client-to-PoP latency p90", value: any.p90Ms, unit: "ms" },
    { name: `unicast (${unicastPop}) client-to-PoP latency p50`, value: uni.medianMs, unit: "ms" },
    { name: `unicast (${unicastPop}) client-to-PoP latency p90`, value: uni.p90Ms, unit: "ms" },
    { name: "unicast / anycast p50 latency", value: uni.medianMs / any.medianMs, unit: "x" },
    { name: "eyeball networks not on their nearest PoP", value: notNearest.length / entries.length, unit: "share", note: "BGP, not geography" },
    { name: "PoPs with a non-empty catchment", value: new Set(entries.map((e) => e.popCode)).size, unit: "PoPs" },
    {
      name: "legit goodput under attack, anycast",
      value: spread.goodputFraction,
      unit: "share",
      note: `${attackGbps} Gbps attack, ${LEGIT_GBPS} Gbps legit, ${POP_CAPACITY_GBPS} Gbps per PoP`,
    },
    { name: `legit goodput under attack, unicast (${unicastPop})`, value: single.goodputFraction, unit: "share" },
  ];
}

function packetsPerSecond(match: (p: Packet) => boolean, packets: readonly Packet[]): number {
  let matched = 0;
  for (const p of packets) if (match(p)) matched++; // warm-up
  const rounds = 10;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const p of packets) if (match(p)) matched++;
  const seconds = (performance.now() - start) / 1000;
  if (matched < 0) throw new Error("unreachable; keeps the loop observable");
  return (rounds * packets.length) / seconds;
}

function filterRows(): BenchRow[] {
  const rng = new Rng(SEED).fork("packets");
  const packets = Array.from({ length: 100_000 }, () =>
    makePacket({
      protocol: rng.pick(["tcp", "udp", "icmp"] as const),
      srcIp: rng.nextU32(),
      dstIp: rng.nextU32(),
      srcPort: rng.int(0, 65535),
      dstPort: rng.pick([53, 80, 443, 123]),
      sizeBytes: rng.int(40, 1500),
      flags: { syn: rng.bool(), ack: rng.bool(), fin: false, rst: false, psh: rng.bool() },
    }),
  );
  const text =
    "(ip.src in 203.0.113.0/24 and tcp.flags.syn and not tcp.flags.ack) or (udp.dstport in {53, 123} and ip.len > 512) or ip.proto == icmp";
  const ast = parseFilter(text);
  const compiled = packetsPerSecond(compileFilter(ast), packets);
  const interpreted = packetsPerSecond((p) => interpretFilter(ast, p), packets);
  return [
    { name: "filter, compiled predicate", value: compiled, unit: "packets/s", note: text },
    { name: "filter, tree-walking interpreter", value: interpreted, unit: "packets/s" },
    { name: "compiled / interpreted", value: compiled / interpreted, unit: "x", note: "same run" },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [...routingRows(), ...filterRows()];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  const format = (v: number): string => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toFixed(3));
  console.log("| measure | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${format(r.value)} | ${r.unit} | ${r.note ?? ""} |`);
}
