/**
 * Figure: time to the first response byte for a new visitor and a returning one (0-RTT), over
 * TCP + TLS 1.3 and over QUIC, when the handshake ends at the nearest PoP versus at one central
 * PoP. Round trips come from `timeToFirstByte`; the RTT is the traffic-weighted median client
 * RTT of the latency model (no jitter, server think time left out).
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { timeToFirstByte, type Transport } from "../../src/net/index.js";
import { CLIENT_POPULATIONS, LatencyModel, POPS, Rng, popByCode } from "../../src/sim/index.js";
import { barChart } from "./lib/svg.js";

function weightedMedian(samples: Array<{ value: number; weight: number }>): number {
  const sorted = [...samples].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, x) => s + x.weight, 0);
  let seen = 0;
  for (const s of sorted) if ((seen += s.weight) >= total / 2) return s.value;
  return sorted[sorted.length - 1]!.value;
}

export function render(): string {
  const model = new LatencyModel({ rng: new Rng(1).fork("figure"), jitterMsMean: 0 });
  const central = popByCode("IAD")!;
  const nearestRtt = weightedMedian(CLIENT_POPULATIONS.map((c) => ({ value: Math.min(...POPS.map((p) => 2 * model.propagationMs(c, p))), weight: c.weight })));
  const centralRtt = weightedMedian(CLIENT_POPULATIONS.map((c) => ({ value: 2 * model.propagationMs(c, central), weight: c.weight })));
  const cases: Array<{ label: string; transport: Transport; zeroRtt: boolean }> = [
    { label: "TCP + TLS 1.3", transport: "tcp", zeroRtt: false },
    { label: "TCP + TLS 0-RTT", transport: "tcp", zeroRtt: true },
    { label: "QUIC", transport: "quic", zeroRtt: false },
    { label: "QUIC 0-RTT", transport: "quic", zeroRtt: true },
  ];
  return barChart({
    title: `Time to first byte at the median client RTT (nearest PoP ${nearestRtt.toFixed(1)} ms, IAD ${centralRtt.toFixed(0)} ms)`,
    yLabel: "ms to first response byte",
    categories: cases.map((c) => c.label),
    series: [
      { name: "nearest PoP", values: cases.map((c) => timeToFirstByte(c.transport, nearestRtt, c.zeroRtt).ms) },
      { name: "one PoP (IAD)", values: cases.map((c) => timeToFirstByte(c.transport, centralRtt, c.zeroRtt).ms) },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "tls-first-byte.svg", render());
