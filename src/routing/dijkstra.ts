import { assert } from "../core/errors.js";
import { MinHeap } from "./min-heap.js";

/** A directed graph over nodes 0..size-1 with non-negative edge weights. */
export interface WeightedGraph {
  readonly size: number;
  neighbors(node: number): Iterable<readonly [to: number, weight: number]>;
}

export interface ShortestPath {
  /** Total weight; Infinity when unreachable. */
  readonly distance: number;
  /** Nodes from source to target inclusive; empty when unreachable. */
  readonly path: readonly number[];
}

/** Dijkstra with a binary heap: O((V + E) log V). Stops as soon as the target is settled. */
export function dijkstra(graph: WeightedGraph, source: number, target: number): ShortestPath {
  assert(source >= 0 && source < graph.size && target >= 0 && target < graph.size, `nodes ${source}, ${target} outside 0..${graph.size - 1}`);
  const dist = new Float64Array(graph.size).fill(Infinity);
  const prev = new Int32Array(graph.size).fill(-1);
  const done = new Uint8Array(graph.size);
  const heap = new MinHeap<number>();
  dist[source] = 0;
  heap.push(0, source);
  for (let item = heap.pop(); item; item = heap.pop()) {
    const u = item.value;
    if (done[u]) continue;
    done[u] = 1;
    if (u === target) break;
    for (const [v, w] of graph.neighbors(u)) {
      assert(w >= 0, `Dijkstra needs non-negative weights, edge ${u}->${v} has ${w}`);
      const alt = dist[u]! + w;
      if (alt < dist[v]!) {
        dist[v] = alt;
        prev[v] = u;
        heap.push(alt, v);
      }
    }
  }
  if (dist[target] === Infinity) return { distance: Infinity, path: [] };
  const path: number[] = [];
  for (let v = target; v !== -1; v = prev[v]!) path.push(v);
  return { distance: dist[target]!, path: path.reverse() };
}
