import { EdgeError } from "../core/errors.js";
import { greatCircleKm, LatencyModel, type LatLon, type Pop } from "../sim/index.js";
import type { Rng } from "../sim/rng.js";
import { congestionFactor, drawCongestion, type CongestionOptions, type LinkCongestion } from "./congestion.js";
import type { WeightedGraph } from "./dijkstra.js";

// ANCHOR: route-factors
// BGP picks paths by policy and AS-path length, not delay; measured Internet paths are
// typically 1.5–2x longer than the great circle where a private backbone is ~1.5x (see
// Spring, Mahajan, Anderson, "The causes of path inflation", SIGCOMM 2003). Our modelling
// choices, named so a reader can change them.
export const BACKBONE_ROUTE_FACTOR = 1.5;
export const TRANSIT_ROUTE_FACTOR = 1.9;
// ANCHOR_END: route-factors
export const MESH_NEIGHBOURS_DEFAULT = 5;
export const HUBS_PER_REGION_DEFAULT = 3;

export interface PopMeshOptions {
  readonly pops: readonly Pop[];
  /** One stream for the whole mesh; links draw from named forks. */
  readonly rng: Rng;
  /** Backbone links per PoP to its nearest PoPs. @defaultValue 5 */
  readonly neighbours?: number;
  /**
   * Long-haul backbone: the most central PoPs of each region are fully meshed, and every PoP
   * also links to its nearest hub in its region. @defaultValue 3 (0 turns long-haul off)
   */
  readonly hubsPerRegion?: number;
  readonly congestion?: CongestionOptions;
  /** Congestion of the public Internet (transit) paths. @defaultValue 35% of paths, up to 3x */
  readonly transitCongestion?: CongestionOptions;
}

interface Link {
  readonly to: number;
  readonly baseMs: number;
  readonly congestion: LinkCongestion | null;
}

/**
 * The PoPs, backbone links between near neighbours (made symmetric), and a transit path
 * between any two PoPs. Delays are one-way milliseconds "measured" at a time: base
 * propagation from `LatencyModel` times a seeded, time-varying congestion factor.
 */
export class PopMesh {
  readonly pops: readonly Pop[];
  readonly #links: Link[][];
  readonly #index: Map<string, number>;
  readonly #backbone: LatencyModel;
  readonly #transit: LatencyModel;
  readonly #rng: Rng;
  readonly #transitCongestion: CongestionOptions;
  readonly #transitCache = new Map<string, LinkCongestion | null>();

  constructor(options: PopMeshOptions) {
    if (options.pops.length < 2) throw new EdgeError("ROUTING_TOO_FEW_POPS", 400, `a mesh needs at least 2 PoPs, got ${options.pops.length}`);
    this.pops = options.pops;
    this.#rng = options.rng;
    this.#index = new Map(options.pops.map((p, i) => [p.code, i]));
    this.#backbone = new LatencyModel({ rng: options.rng.fork("backbone-jitter"), routeFactor: BACKBONE_ROUTE_FACTOR });
    this.#transit = new LatencyModel({ rng: options.rng.fork("transit-jitter"), routeFactor: TRANSIT_ROUTE_FACTOR });
    this.#transitCongestion = options.transitCongestion ?? { congestedShare: 0.35 };
    const k = Math.min(options.neighbours ?? MESH_NEIGHBOURS_DEFAULT, options.pops.length - 1);
    const pairs = new Set<string>();
    options.pops.forEach((p, i) => {
      const nearest = options.pops
        .map((q, j) => ({ j, km: greatCircleKm(p, q) }))
        .filter(({ j }) => j !== i)
        .sort((a, b) => a.km - b.km || a.j - b.j)
        .slice(0, k);
      for (const { j } of nearest) pairs.add(i < j ? `${i}-${j}` : `${j}-${i}`);
    });
    for (const [i, j] of hubLinks(options.pops, options.hubsPerRegion ?? HUBS_PER_REGION_DEFAULT)) pairs.add(i < j ? `${i}-${j}` : `${j}-${i}`);
    this.#links = options.pops.map(() => []);
    for (const pair of [...pairs].sort()) {
      const [i, j] = pair.split("-").map(Number) as [number, number];
      const baseMs = this.#backbone.propagationMs(options.pops[i]!, options.pops[j]!);
      const congestion = drawCongestion(options.rng.fork(`link:${options.pops[i]!.code}-${options.pops[j]!.code}`), options.congestion);
      this.#links[i]!.push({ to: j, baseMs, congestion });
      this.#links[j]!.push({ to: i, baseMs, congestion });
    }
  }

  indexOf(code: string): number {
    const i = this.#index.get(code);
    if (i === undefined) throw new EdgeError("ROUTING_UNKNOWN_POP", 400, `PoP "${code}" is not in this mesh of ${this.pops.length} PoPs`);
    return i;
  }

  /** The backbone as a graph whose weights are the delays measured at `atMs`. */
  backboneAt(atMs: number): WeightedGraph {
    const links = this.#links;
    return {
      size: links.length,
      *neighbors(node: number): Iterable<readonly [number, number]> {
        for (const l of links[node]!) yield [l.to, l.baseMs * congestionFactor(l.congestion, atMs)] as const;
      },
    };
  }

  backboneLinkCount(): number {
    return this.#links.reduce((n, l) => n + l.length, 0) / 2;
  }

  /** The default Internet path between two PoPs, measured at `atMs`. */
  transitMs(from: number, to: number, atMs: number): number {
    const [a, b] = from < to ? [from, to] : [to, from];
    const key = `${a}-${b}`;
    let congestion = this.#transitCache.get(key);
    if (congestion === undefined) {
      congestion = drawCongestion(this.#rng.fork(`transit:${this.pops[a]!.code}-${this.pops[b]!.code}`), this.#transitCongestion);
      this.#transitCache.set(key, congestion);
    }
    return this.#transit.propagationMs(this.pops[a]!, this.pops[b]!) * congestionFactor(congestion, atMs);
  }

  /** The PoP nearest a point: where an anycast client or an origin server lands. */
  nearestPop(point: LatLon): number {
    let best = 0;
    let bestKm = Infinity;
    this.pops.forEach((p, i) => {
      const km = greatCircleKm(p, point);
      if (km < bestKm) [best, bestKm] = [i, km];
    });
    return best;
  }
}

/** Hub PoPs (least total distance to their region's PoPs) meshed together, plus spokes. */
function hubLinks(pops: readonly Pop[], hubsPerRegion: number): [number, number][] {
  if (hubsPerRegion <= 0) return [];
  const byRegion = new Map<string, number[]>();
  pops.forEach((p, i) => byRegion.set(p.region, [...(byRegion.get(p.region) ?? []), i]));
  const hubs: number[] = [];
  const hubsOf = new Map<string, number[]>();
  for (const [region, members] of [...byRegion].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const central = members
      .map((i) => ({ i, sum: members.reduce((acc, j) => acc + greatCircleKm(pops[i]!, pops[j]!), 0) }))
      .sort((a, b) => a.sum - b.sum || a.i - b.i)
      .slice(0, hubsPerRegion)
      .map(({ i }) => i);
    hubsOf.set(region, central);
    hubs.push(...central);
  }
  const links: [number, number][] = [];
  for (let a = 0; a < hubs.length; a++) for (let b = a + 1; b < hubs.length; b++) links.push([hubs[a]!, hubs[b]!]);
  pops.forEach((p, i) => {
    const own = hubsOf.get(p.region) ?? [];
    const nearest = own.filter((h) => h !== i).sort((x, y) => greatCircleKm(p, pops[x]!) - greatCircleKm(p, pops[y]!) || x - y)[0];
    if (nearest !== undefined) links.push([i, nearest]);
  });
  return links;
}
