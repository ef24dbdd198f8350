/** Figure: the simulated network's PoPs and client populations on a world map. */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CLIENT_POPULATIONS, POPS } from "../../src/sim/index.js";
import { worldMap } from "./lib/svg.js";

export function render(): string {
  return worldMap({
    title: `${POPS.length} PoPs (orange) and ${CLIENT_POPULATIONS.length} client populations (blue, sized by weight)`,
    points: [
      ...POPS.map((p) => ({ lat: p.lat, lon: p.lon, group: 0, r: 2.2, label: `${p.code} ${p.city}` })),
      ...CLIENT_POPULATIONS.map((c) => ({ lat: c.lat, lon: c.lon, group: 1, r: 2 + Math.sqrt(c.weight) / 2, label: c.city })),
    ],
    legend: ["PoP", "client population"],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "pop-map.svg", render());
