/**
 * Figure: a SYN flood meets the per-PoP detector. Legitimate clients open connections (SYNs)
 * and send data; at one second a spoofed SYN flood starts. `DdosDetector` counts signatures in
 * a count-min sketch, writes a drop rule when one crosses its threshold, and from then on the
 * compiled rule drops the flood — and any legitimate SYN of the same shape with it.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { DdosDetector, NO_FLAGS, makePacket, parseIpv4, type Packet } from "../../src/ddos/index.js";
import { Rng, VirtualClock } from "../../src/sim/index.js";
import { lineChart } from "./lib/svg.js";

export const FIGURE_SEED = 1;
// Scenario assumptions: packet rates of a small site and a modest flood, in packets per second.
const LEGIT_PPS = 1_000;
const LEGIT_SYN_SHARE = 0.2;
const FLOOD_PPS = 10_000;
const FLOOD_START_MS = 1_000;
const DURATION_MS = 3_000;
const BUCKET_MS = 100;
const THRESHOLD_PER_WINDOW = 2_000;

export function render(): string {
  const rng = new Rng(FIGURE_SEED).fork("ddos-figure");
  const clock = new VirtualClock(0);
  const detector = new DdosDetector({ clock, rng, packetsPerWindowThreshold: THRESHOLD_PER_WINDOW });
  const victim = parseIpv4("198.51.100.10");
  const buckets = Array.from({ length: DURATION_MS / BUCKET_MS }, () => ({ flood: 0, floodDropped: 0, syn: 0, synDropped: 0, data: 0, dataDropped: 0 }));
  const events: Array<{ atMs: number; flood: boolean }> = [];
  for (let i = 0; i < (LEGIT_PPS * DURATION_MS) / 1000; i++) events.push({ atMs: rng.float(0, DURATION_MS), flood: false });
  for (let i = 0; i < (FLOOD_PPS * (DURATION_MS - FLOOD_START_MS)) / 1000; i++) events.push({ atMs: rng.float(FLOOD_START_MS, DURATION_MS), flood: true });
  events.sort((a, b) => a.atMs - b.atMs);
  for (const e of events) {
    clock.setMs(e.atMs);
    const syn = e.flood || rng.bool(LEGIT_SYN_SHARE);
    const packet: Packet = makePacket({
      protocol: "tcp",
      // Spoofed flood sources are uniform over the address space; clients come from fewer /24s.
      srcIp: e.flood ? rng.nextU32() : (parseIpv4("203.0.113.0") + rng.int(0, 255) * 256 + rng.int(1, 254)) >>> 0,
      srcPort: rng.int(1024, 65535),
      dstIp: victim,
      dstPort: 443,
      sizeBytes: syn ? 60 : rng.int(64, 1500),
      flags: { ...NO_FLAGS, ...(syn ? { syn: true } : { ack: true, psh: true }) },
    });
    const dropped = detector.observe(packet) === "drop" ? 1 : 0;
    const bucket = buckets[Math.floor(e.atMs / BUCKET_MS)]!;
    if (e.flood) [bucket.flood, bucket.floodDropped] = [bucket.flood + 1, bucket.floodDropped + dropped];
    else if (syn) [bucket.syn, bucket.synDropped] = [bucket.syn + 1, bucket.synDropped + dropped];
    else [bucket.data, bucket.dataDropped] = [bucket.data + 1, bucket.dataDropped + dropped];
  }
  // Percent dropped per 100 ms bucket, plotted at the bucket's end; buckets with no packets of a kind are skipped.
  const series = (total: (b: (typeof buckets)[number]) => number, part: (b: (typeof buckets)[number]) => number): Array<[number, number]> =>
    buckets.flatMap((b, i): Array<[number, number]> => {
      if (total(b) === 0) return [];
      const percent = (100 * part(b)) / total(b);
      const end: [number, number] = [((i + 1) * BUCKET_MS) / 1000, percent];
      return i === 0 ? [[0, percent], end] : [end];
    });
  return lineChart({
    title: `A ${FLOOD_PPS / 1000}k pps SYN flood from ${FLOOD_START_MS / 1000} s meets the detector (${LEGIT_PPS / 1000}k pps legitimate)`,
    xLabel: "seconds",
    yLabel: "% of packets dropped (per 100 ms)",
    yMin: 0,
    series: [
      { name: "flood SYNs", points: series((b) => b.flood, (b) => b.floodDropped) },
      { name: "legitimate SYNs", points: series((b) => b.syn, (b) => b.synDropped) },
      { name: "legitimate data", points: series((b) => b.data, (b) => b.dataDropped) },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "ddos-detection.svg", render());
