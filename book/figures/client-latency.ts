/**
 * Figure: distribution of client-to-PoP round-trip time when every client reaches its nearest
 * PoP (the best anycast can do) versus one central PoP (unicast from Ashburn), computed with
 * the platform's latency model.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CLIENT_POPULATIONS, LatencyModel, POPS, Rng, popByCode } from "../../src/sim/index.js";
import { lineChart } from "./lib/svg.js";

function cdf(values: number[]): Array<[number, number]> {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.map((v, i) => [v, ((i + 1) / sorted.length) * 100]);
}

export function render(): string {
  const model = new LatencyModel({ rng: new Rng(1).fork("figure") });
  const central = popByCode("IAD")!;
  const nearest: number[] = [];
  const unicast: number[] = [];
  for (const client of CLIENT_POPULATIONS) {
    // Weight each population by repeating it in proportion to its traffic share.
    const copies = Math.max(1, Math.round(client.weight));
    const best = Math.min(...POPS.map((p) => 2 * model.propagationMs(client, p)));
    const far = 2 * model.propagationMs(client, central);
    for (let i = 0; i < copies; i++) {
      nearest.push(best);
      unicast.push(far);
    }
  }
  return lineChart({
    title: "Client-to-PoP round trip: nearest PoP vs one central PoP (IAD)",
    xLabel: "round-trip time (ms)",
    yLabel: "% of users at or below",
    series: [
      { name: "nearest PoP", points: cdf(nearest) },
      { name: "unicast (IAD)", points: cdf(unicast) },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "client-latency.svg", render());
