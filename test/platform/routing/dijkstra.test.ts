import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dijkstra, MinHeap, type WeightedGraph } from "../../../src/routing/index.js";

type Edge = [from: number, to: number, weight: number];

function graphOf(size: number, edges: readonly Edge[]): WeightedGraph {
  const adj: [number, number][][] = Array.from({ length: size }, () => []);
  for (const [a, b, w] of edges) adj[a]!.push([b, w]);
  return { size, neighbors: (n) => adj[n]! };
}

/** Tries every simple path: exponential, fine for 7 nodes, and obviously correct. */
function bruteForce(size: number, edges: readonly Edge[], source: number, target: number): number {
  let best = Infinity;
  const visit = (node: number, cost: number, seen: Set<number>): void => {
    if (node === target) {
      best = Math.min(best, cost);
      return;
    }
    for (const [a, b, w] of edges) {
      if (a !== node || seen.has(b)) continue;
      seen.add(b);
      visit(b, cost + w, seen);
      seen.delete(b);
    }
  };
  visit(source, 0, new Set([source]));
  return size > 0 ? best : Infinity;
}

const smallGraph = fc.integer({ min: 1, max: 7 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    edges: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1), fc.double({ min: 0, max: 100, noNaN: true })), { maxLength: 20 }),
    source: fc.nat(size - 1),
    target: fc.nat(size - 1),
  }),
);

describe("dijkstra", () => {
  it("finds the same distance as brute force over all simple paths", () => {
    fc.assert(
      fc.property(smallGraph, ({ size, edges, source, target }) => {
        const got = dijkstra(graphOf(size, edges), source, target);
        const want = bruteForce(size, edges, source, target);
        if (want === Infinity) expect(got).toEqual({ distance: Infinity, path: [] });
        else expect(got.distance).toBeCloseTo(want, 9);
      }),
      { numRuns: 400 },
    );
  });

  it("returns a real path whose edge weights add up to the distance", () => {
    fc.assert(
      fc.property(smallGraph, ({ size, edges, source, target }) => {
        const got = dijkstra(graphOf(size, edges), source, target);
        if (got.distance === Infinity) return;
        expect(got.path[0]).toBe(source);
        expect(got.path[got.path.length - 1]).toBe(target);
        let sum = 0;
        for (let i = 1; i < got.path.length; i++) {
          const options = edges.filter(([a, b]) => a === got.path[i - 1] && b === got.path[i]).map(([, , w]) => w);
          expect(options.length).toBeGreaterThan(0);
          sum += Math.min(...options);
        }
        expect(sum).toBeCloseTo(got.distance, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe("MinHeap", () => {
  it("pops in ascending priority, ties in insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 })), (priorities) => {
        const heap = new MinHeap<number>();
        priorities.forEach((p, i) => heap.push(p, i));
        const out: [number, number][] = [];
        for (let x = heap.pop(); x; x = heap.pop()) out.push([x.priority, x.value]);
        const want = priorities.map((p, i) => [p, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(out).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
