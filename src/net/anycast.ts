import { assert, EdgeError } from "../core/errors.js";
import { greatCircleKm, type LatLon } from "../sim/geo.js";
import type { LatencyModel } from "../sim/latency.js";
import type { AsGraph, AsNode } from "./as-graph.js";
import { BgpNetwork } from "./propagation.js";

// RFC 5737 TEST-NET-2: a documentation prefix, so the simulation never names a real network.
export const ANYCAST_PREFIX = "198.51.100.0/24";

/** Where one eyeball network's traffic for the prefix lands. */
export interface CatchmentEntry {
  readonly accessNode: number;
  readonly clientId: string;
  /** Share of the client population's traffic that enters through this eyeball network. */
  readonly weight: number;
  /** The PoP reached, or null when the eyeball network has no route (black-holed). */
  readonly popCode: string | null;
}

/**
 * Anycast is nothing but BGP: every PoP announces the same prefix from the same ASN and each
 * eyeball network's own best-path choice decides which PoP it reaches (its "catchment").
 */
export class AnycastNetwork {
  readonly graph: AsGraph;
  readonly prefix: string;
  readonly #bgp: BgpNetwork;
  readonly #announcing = new Set<string>();

  constructor(graph: AsGraph, prefix: string = ANYCAST_PREFIX) {
    this.graph = graph;
    this.prefix = prefix;
    this.#bgp = new BgpNetwork(graph);
  }

  /** Announces the prefix from these PoPs (one PoP = unicast) and runs BGP to convergence. */
  announce(popCodes: readonly string[]): void {
    for (const code of popCodes) {
      this.#bgp.originate(edgeNodeOf(this.graph, code), this.prefix);
      this.#announcing.add(code);
    }
    this.#bgp.run();
  }

  /** Takes a PoP out of the anycast group (maintenance, overload) and re-converges. */
  withdraw(popCode: string): void {
    this.#bgp.withdrawOrigin(edgeNodeOf(this.graph, popCode), this.prefix);
    this.#announcing.delete(popCode);
    this.#bgp.run();
  }

  announcing(): string[] {
    return [...this.#announcing].sort();
  }

  /** Nodes a packet from `node` crosses to reach a PoP, or null if it is dropped. */
  forwardingPath(node: number): number[] | null {
    return this.#bgp.forwardingPath(node, this.prefix);
  }

  // ANCHOR: catchment
  catchment(): CatchmentEntry[] {
    const entries: CatchmentEntry[] = [];
    for (const node of this.graph.nodes) {
      if (node.kind !== "access" || node.clientId === undefined) continue;
      const route = this.#bgp.bestRoute(node.id, this.prefix);
      const origin = route ? this.graph.nodes[route.originNode] : undefined;
      entries.push({
        accessNode: node.id,
        clientId: node.clientId,
        weight: node.clientWeight ?? 1,
        popCode: origin?.popCode ?? null,
      });
    }
    return entries;
  }
  // ANCHOR_END: catchment
}

export function edgeNodeOf(graph: AsGraph, popCode: string): number {
  const node = graph.nodes.find((n) => n.kind === "edge" && n.popCode === popCode);
  if (!node) throw new EdgeError("NET_UNKNOWN_POP", 404, `no edge node for PoP "${popCode}" in the AS graph`);
  return node.id;
}

/** The PoP closest on the globe; what a naive "anycast = nearest" mental model predicts. */
export function nearestPopByGeography(graph: AsGraph, at: LatLon, popCodes: readonly string[]): string {
  let best: { code: string; km: number } | undefined;
  for (const code of [...popCodes].sort()) {
    const km = greatCircleKm(at, graph.nodes[edgeNodeOf(graph, code)] as AsNode);
    if (!best || km < best.km) best = { code, km };
  }
  assert(best !== undefined, "at least one PoP to choose from");
  return best.code;
}

export interface LatencySummary {
  readonly medianMs: number;
  readonly p90Ms: number;
}

/** Traffic-weighted percentiles of client-to-PoP propagation delay over a catchment. */
export function catchmentLatency(graph: AsGraph, entries: readonly CatchmentEntry[], latency: LatencyModel): LatencySummary {
  const samples = entries
    .filter((e) => e.popCode !== null)
    .map((e) => ({
      ms: latency.propagationMs(graph.nodes[e.accessNode] as AsNode, graph.nodes[edgeNodeOf(graph, e.popCode as string)] as AsNode),
      weight: e.weight,
    }))
    .sort((a, b) => a.ms - b.ms);
  return { medianMs: weightedQuantile(samples, 0.5), p90Ms: weightedQuantile(samples, 0.9) };
}

function weightedQuantile(sorted: ReadonlyArray<{ ms: number; weight: number }>, q: number): number {
  assert(sorted.length > 0, "quantile of an empty catchment");
  const total = sorted.reduce((sum, s) => sum + s.weight, 0);
  let seen = 0;
  for (const s of sorted) {
    seen += s.weight;
    if (seen >= q * total) return s.ms;
  }
  return (sorted[sorted.length - 1] as { ms: number }).ms;
}
