/**
 * Figure: share of legitimate traffic delivered during a volumetric attack of growing size,
 * when the target's prefix is announced from every PoP (anycast) and from one PoP (unicast),
 * and when the whole botnet sits in one eyeball network (anycast cannot spread that).
 * Catchments come from BGP on the seeded AS graph; the attack model is `simulateVolumetricAttack`.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { simulateVolumetricAttack, type AttackScenario } from "../../src/ddos/index.js";
import { AnycastNetwork, generateAsGraph, type CatchmentEntry } from "../../src/net/index.js";
import { CLIENT_POPULATIONS, POPS, Rng } from "../../src/sim/index.js";
import { lineChart } from "./lib/svg.js";

export const FIGURE_SEED = 1;
// Scenario assumptions, not Cloudflare figures: every PoP can take 1 Tbps at its edge and the
// site normally receives 100 Gbps of legitimate traffic.
export const POP_CAPACITY_GBPS = 1_000;
export const LEGIT_GBPS = 100;
export const ATTACK_TBPS_MAX = 20;

export function render(): string {
  const graph = generateAsGraph({ rng: new Rng(FIGURE_SEED), pops: POPS, clients: CLIENT_POPULATIONS });
  const anycast = new AnycastNetwork(graph);
  anycast.announce(POPS.map((p) => p.code));
  const unicast = new AnycastNetwork(graph);
  unicast.announce(["IAD"]);
  const spread = anycast.catchment();
  const single = unicast.catchment();
  // The heaviest eyeball network hosts every bot: one compromised ISP, one catchment.
  const infected = [...spread].sort((a, b) => b.weight - a.weight || a.accessNode - b.accessNode)[0] as CatchmentEntry;
  const goodput = (catchment: readonly CatchmentEntry[], botWeight?: AttackScenario["botWeight"]) =>
    Array.from({ length: 41 }, (_, i): [number, number] => {
      const attackGbps = (ATTACK_TBPS_MAX * 1000 * i) / 40;
      const outcome = simulateVolumetricAttack({
        catchment,
        legitGbps: LEGIT_GBPS,
        attackGbps,
        capacityGbps: POP_CAPACITY_GBPS,
        ...(botWeight !== undefined && { botWeight }),
      });
      return [attackGbps / 1000, outcome.goodputFraction * 100];
    });
  return lineChart({
    title: `Goodput under a volumetric attack (${POP_CAPACITY_GBPS / 1000} Tbps per PoP, ${LEGIT_GBPS} Gbps legitimate)`,
    xLabel: "attack size (Tbps)",
    yLabel: "% of legitimate traffic delivered",
    yMin: 0,
    series: [
      { name: `anycast (${new Set(spread.map((e) => e.popCode)).size} PoPs)`, points: goodput(spread) },
      { name: "anycast, 1-ISP botnet", points: goodput(spread, (e) => (e.accessNode === infected.accessNode ? 1 : 0)) },
      { name: "unicast (IAD)", points: goodput(single) },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "attack-goodput.svg", render());
