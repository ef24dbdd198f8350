/**
 * Figure: anycast catchments on the full PoP dataset. Every PoP announces the same prefix,
 * BGP (best-path selection under Gao-Rexford policies) converges on a seeded AS graph, and each
 * eyeball network is drawn with a line to the PoP its own best route reaches.
 * Live in the page: withdraw one PoP's announcement and BGP re-converges; the networks that
 * moved are drawn in red to the PoP they land on now.
 */
import { AnycastNetwork, type AsGraph, generateAsGraph, type AsNode } from "../../src/net/index.js";
import { CLIENT_POPULATIONS, POPS, Rng, greatCircleKm, type LatLon } from "../../src/sim/index.js";
import { type LiveFigure, memo } from "./lib/live.js";
import { worldMap } from "./lib/svg.js";

export const FIGURE_SEED = 1;
/** The control's value for "every PoP announces". */
const NONE = "";

/** The PoP closest on the globe (ties to the lower code), the naive "anycast = nearest" guess. */
function nearestPop(at: LatLon): string {
  let best = { code: "", km: Infinity };
  for (const p of POPS) {
    const km = greatCircleKm(at, p);
    if (km < best.km || (km === best.km && p.code < best.code)) best = { code: p.code, km };
  }
  return best.code;
}

const world = memo((seed: number): AsGraph => generateAsGraph({ rng: new Rng(seed), pops: POPS, clients: CLIENT_POPULATIONS }));

/** Each eyeball network's PoP when `codes` announce the prefix (null: no route). */
function catchment(graph: AsGraph, codes: string[]): ReturnType<AnycastNetwork["catchment"]> {
  const net = new AnycastNetwork(graph);
  net.announce(codes);
  return net.catchment();
}
const allAnnounce = memo((graph: AsGraph) => catchment(graph, POPS.map((p) => p.code)));

/** The catchments with `withdrawn` (a PoP code, or "" for none) not announcing. */
export function renderAt(withdrawn: string): string {
  const graph = world.get(FIGURE_SEED);
  const before = new Map(allAnnounce.get(graph).map((e) => [e.accessNode, e.popCode]));
  const now = withdrawn === NONE ? allAnnounce.get(graph) : catchment(graph, POPS.map((p) => p.code).filter((c) => c !== withdrawn));
  const reached = new Set(now.map((e) => e.popCode).filter((c): c is string => c !== null));
  const notNearest = now.filter((e) => e.popCode !== null && e.popCode !== nearestPop(graph.nodes[e.accessNode] as AsNode));
  const moved = now.filter((e) => before.get(e.accessNode) !== e.popCode);
  const landedOn = new Set(moved.map((e) => e.popCode).filter((c): c is string => c !== null));
  const popAt = new Map(POPS.map((p) => [p.code, p]));
  const gone = popAt.get(withdrawn);
  const title =
    withdrawn === NONE
      ? `${POPS.length} PoPs announce one prefix: ${now.length} eyeball networks land on ${reached.size} PoPs, ${notNearest.length} not on their nearest`
      : `${withdrawn} withdraws: ${moved.length} eyeball networks move to ${landedOn.size} other PoPs; ${reached.size} PoPs still have a catchment`;
  return worldMap({
    title,
    lines: now
      .filter((e) => e.popCode !== null)
      .map((e) => {
        const node = graph.nodes[e.accessNode] as AsNode;
        const pop = popAt.get(e.popCode as string)!;
        // Orange when BGP picked the geographically nearest PoP, green when it did not, red when it moved.
        const group = before.get(e.accessNode) !== e.popCode ? 3 : nearestPop(node) === e.popCode ? 0 : 2;
        return { from: node, to: pop, group };
      }),
    points: [
      ...POPS.filter((p) => !reached.has(p.code) && p.code !== withdrawn).map((p) => ({ lat: p.lat, lon: p.lon, group: 0, r: 1.1, label: `${p.code} (no catchment in this world)` })),
      ...POPS.filter((p) => reached.has(p.code)).map((p) => ({ lat: p.lat, lon: p.lon, group: 0, r: 2.6, label: `${p.code} ${p.city}` })),
      ...CLIENT_POPULATIONS.map((c) => ({ lat: c.lat, lon: c.lon, group: 1, r: 1.5 + Math.sqrt(c.weight) / 2, label: c.city })),
      ...(gone ? [{ lat: gone.lat, lon: gone.lon, group: 3, r: 6, label: `${gone.code} ${gone.city} (withdrawn)` }] : []),
    ],
    legend: ["PoP; line: BGP reached the nearest PoP", "client population", "line: BGP reached a farther PoP", ...(gone ? ["withdrawn PoP; line: a network that moved"] : [])],
  });
}

/** The PoPs a reader can withdraw: those with a catchment when all announce, by code. */
function withdrawable(): Array<{ value: string; label: string }> {
  const reached = new Set(allAnnounce.get(world.get(FIGURE_SEED)).map((e) => e.popCode));
  return POPS.filter((p) => reached.has(p.code))
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((p) => ({ value: p.code, label: `${p.code} ${p.city}` }));
}

export const live: LiveFigure = {
  get control() {
    return { kind: "select" as const, label: "withdraw", options: [{ value: NONE, label: "none: every PoP announces" }, ...withdrawable()], value: NONE };
  },
  render: (value) => renderAt(value),
  reset: () => {
    world.clear();
    allAnnounce.clear();
  },
};

export function render(): string {
  return renderAt(NONE);
}
