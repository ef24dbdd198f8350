import type { AsGraph } from "./as-graph.js";

/**
 * True when a forwarding path climbs customer→provider links, crosses at most one peering
 * link, then only descends provider→customer: the "valley-free" shape Gao-Rexford guarantees.
 */
export function isValleyFree(graph: AsGraph, path: readonly number[]): boolean {
  let phase: "up" | "peered" | "down" = "up";
  for (let i = 0; i + 1 < path.length; i++) {
    const rel = graph.neighbours[path[i] as number]?.find((n) => n.node === path[i + 1])?.rel;
    if (rel === undefined) return false;
    if (rel === "provider" && phase !== "up") return false;
    if (rel === "peer") {
      if (phase !== "up") return false;
      phase = "peered";
    }
    if (rel === "customer") phase = "down";
  }
  return true;
}
