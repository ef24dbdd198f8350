/**
 * Figure: anycast catchments on the full PoP dataset. Every PoP announces the same prefix,
 * BGP (best-path selection under Gao-Rexford policies) converges on a seeded AS graph, and each
 * eyeball network is drawn with a line to the PoP its own best route reaches.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { AnycastNetwork, generateAsGraph, type AsNode } from "../../src/net/index.js";
import { CLIENT_POPULATIONS, POPS, Rng, greatCircleKm, type LatLon } from "../../src/sim/index.js";
import { worldMap } from "./lib/svg.js";

export const FIGURE_SEED = 1;

/** The PoP closest on the globe (ties to the lower code), the naive "anycast = nearest" guess. */
function nearestPop(at: LatLon): string {
  let best = { code: "", km: Infinity };
  for (const p of POPS) {
    const km = greatCircleKm(at, p);
    if (km < best.km || (km === best.km && p.code < best.code)) best = { code: p.code, km };
  }
  return best.code;
}

export function render(): string {
  const graph = generateAsGraph({ rng: new Rng(FIGURE_SEED), pops: POPS, clients: CLIENT_POPULATIONS });
  const net = new AnycastNetwork(graph);
  const codes = POPS.map((p) => p.code);
  net.announce(codes);
  const catchment = net.catchment();
  const reached = new Set(catchment.map((e) => e.popCode).filter((c): c is string => c !== null));
  const notNearest = catchment.filter((e) => e.popCode !== null && e.popCode !== nearestPop(graph.nodes[e.accessNode] as AsNode));
  const popAt = new Map(POPS.map((p) => [p.code, p]));
  return worldMap({
    title: `${POPS.length} PoPs announce one prefix: ${catchment.length} eyeball networks land on ${reached.size} PoPs, ${notNearest.length} not on their nearest`,
    lines: catchment
      .filter((e) => e.popCode !== null)
      .map((e) => {
        const node = graph.nodes[e.accessNode] as AsNode;
        const pop = popAt.get(e.popCode as string)!;
        // Orange when BGP picked the geographically nearest PoP, green when it did not.
        const nearest = nearestPop(node) === e.popCode;
        return { from: node, to: pop, group: nearest ? 0 : 2 };
      }),
    points: [
      ...POPS.filter((p) => !reached.has(p.code)).map((p) => ({ lat: p.lat, lon: p.lon, group: 0, r: 1.1, label: `${p.code} (no catchment in this world)` })),
      ...POPS.filter((p) => reached.has(p.code)).map((p) => ({ lat: p.lat, lon: p.lon, group: 0, r: 2.6, label: `${p.code} ${p.city}` })),
      ...CLIENT_POPULATIONS.map((c) => ({ lat: c.lat, lon: c.lon, group: 1, r: 1.5 + Math.sqrt(c.weight) / 2, label: c.city })),
    ],
    legend: ["PoP; line: BGP reached the nearest PoP", "client population", "line: BGP reached a farther PoP"],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "anycast-catchments.svg", render());
