import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { BgpNetwork, isValleyFree, type AsGraph, type Relationship } from "../../../src/net/index.js";
import { Rng } from "../../../src/sim/index.js";
import { relation, smallWorldArb, type SmallWorld } from "./worlds.js";

interface PathVector {
  originate(node: number): void;
  withdraw(node: number): void;
  run(order?: Rng): number;
  path(node: number): readonly number[] | undefined;
}
type Make = (graph: AsGraph) => PathVector;

const PREFERENCE: Readonly<Record<Relationship, number>> = { customer: 2, peer: 1, provider: 0 };

function converge(make: Make, world: SmallWorld, order?: Rng, origins: readonly number[] = world.origins): PathVector {
  const net = make(world.graph);
  for (const o of origins) net.originate(o);
  net.run(order);
  return net;
}

function paths(net: PathVector, graph: AsGraph): string[] {
  return graph.nodes.map((n) => net.path(n.id)?.join(" ") ?? "-");
}

/** Loop-free, valley-free, along real links, ending at an announcing site; no own ASN later on. */
function checkShape(world: SmallWorld, net: PathVector, origins: readonly number[]): void {
  const { graph } = world;
  for (const node of graph.nodes) {
    const p = net.path(node.id);
    if (p === undefined) {
      if (origins.includes(node.id)) throw new Error(`origin ${node.id} has no route to its own prefix`);
      continue;
    }
    const where = `node ${node.id} chose [${p.join(" ")}]`;
    if (p[0] !== node.id) throw new Error(`${where}: a path starts at its own node`);
    if (!origins.includes(p[p.length - 1] as number)) throw new Error(`${where}: it does not end at an announcing site (${origins.join(", ")})`);
    if (new Set(p).size !== p.length) throw new Error(`${where}: the path loops`);
    for (let i = 0; i + 1 < p.length; i++)
      if (relation(graph, p[i] as number, p[i + 1] as number) === undefined) throw new Error(`${where}: ${p[i]} and ${p[i + 1]} are not linked`);
    if (p.slice(1).some((n) => graph.nodes[n]?.asn === node.asn))
      throw new Error(`${where}: the path holds its own ASN ${node.asn} (RFC 4271 loop detection must drop it)`);
    if (!isValleyFree(graph, p)) throw new Error(`${where}: not valley-free (${p.slice(0, -1).map((n, i) => relation(graph, n, p[i + 1] as number)).join(", ")})`);
  }
}

/**
 * A converged state is a stable one: every AS holds the best route its neighbours export to it
 * given THEIR choices (own > customer > peer > provider, shorter, lower neighbour id). Gao-Rexford
 * guarantees this state exists and is unique, which is why message order cannot matter.
 */
function checkStable(world: SmallWorld, net: PathVector, origins: readonly number[]): void {
  const { graph } = world;
  for (const node of graph.nodes) {
    const chosen = net.path(node.id)?.join(" ") ?? "none";
    let best: { path: readonly number[]; rank: [number, number, number] } | undefined;
    if (origins.includes(node.id)) best = { path: [node.id], rank: [3, 1, -1] };
    for (const { node: m, rel } of graph.neighbours[node.id] ?? []) {
      const q = net.path(m);
      if (q === undefined || q.some((n) => graph.nodes[n]?.asn === node.asn)) continue;
      const mLearnedFrom = q.length > 1 ? relation(graph, m, q[1] as number) : undefined;
      const exported = q.length === 1 || mLearnedFrom === "customer" || relation(graph, m, node.id) === "customer";
      if (!exported) continue;
      const rank: [number, number, number] = [PREFERENCE[rel], q.length + 1, m];
      const better = !best || rank[0] > best.rank[0] || (rank[0] === best.rank[0] && (rank[1] < best.rank[1] || (rank[1] === best.rank[1] && rank[2] < best.rank[2])));
      if (better) best = { path: [node.id, ...q], rank };
    }
    const expected = best?.path.join(" ") ?? "none";
    if (chosen !== expected) throw new Error(`node ${node.id} (AS${node.asn}) holds [${chosen}] but its best exported offer is [${expected}]`);
  }
}

export const suite = defineLevel<Make>({
  kata: "q4-anycast-ddos",
  level: 2,
  load: (m) => {
    const Ctor = requireExport<new (graph: AsGraph) => PathVector>(m, "PathVectorNetwork", "class");
    return (graph) => new Ctor(graph);
  },
  probe: (make) => fc.sample(smallWorldArb, { numRuns: 1, seed: 1 }).map((w) => converge(make, w).path(0)),
  properties: [
    {
      name: "every chosen route is loop-free, valley-free, along real links and ends at an announcing site",
      run: (make, ctx) =>
        check(
          fc.property(smallWorldArb, (world) => checkShape(world, converge(make, world), world.origins)),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "converges to the stable state: each AS holds the best route its neighbours export to it",
      run: (make, ctx) =>
        check(
          fc.property(smallWorldArb, (world) => checkStable(world, converge(make, world), world.origins)),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "reaches the same routes whatever the order messages are delivered in",
      run: (make, ctx) =>
        check(
          fc.property(smallWorldArb, fc.array(fc.integer(), { minLength: 2, maxLength: 3 }), (world, seeds) => {
            const fifo = paths(converge(make, world), world.graph);
            for (const seed of seeds) {
              const shuffled = paths(converge(make, world, new Rng(seed)), world.graph);
              const i = fifo.findIndex((p, k) => p !== shuffled[k]);
              if (i >= 0) throw new Error(`order seed ${seed}: node ${i} chose [${shuffled[i]}] instead of [${fifo[i]}]`);
            }
          }),
          ctx,
          { numRuns: 80 },
        ),
    },
    {
      name: "propagates withdrawals: after sites withdraw, routes equal a fresh run without them",
      run: (make, ctx) =>
        check(
          fc.property(smallWorldArb, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.integer(), (world, drop, seed) => {
            const net = converge(make, world, undefined, world.sites);
            const withdrawn = world.sites.filter((_, i) => drop[i]);
            const left = world.sites.filter((s) => !withdrawn.includes(s));
            for (const s of withdrawn) net.withdraw(s);
            net.run(new Rng(seed));
            checkShape(world, net, left);
            const after = paths(net, world.graph);
            const fresh = paths(converge(make, world, undefined, left), world.graph);
            const i = fresh.findIndex((p, k) => p !== after[k]);
            if (i >= 0) throw new Error(`after withdrawing ${withdrawn.join(", ")}: node ${i} holds [${after[i]}], a fresh run gives [${fresh[i]}]`);
          }),
          ctx,
          { numRuns: 120 },
        ),
    },
    {
      name: "agrees with the platform's BGP on who has a route, of which relationship and how long",
      run: (make, ctx) =>
        check(
          fc.property(smallWorldArb, (world) => {
            const net = converge(make, world);
            const bgp = new BgpNetwork(world.graph);
            for (const o of world.origins) bgp.originate(o, "p");
            bgp.run();
            for (const node of world.graph.nodes) {
              const mine = net.path(node.id);
              const theirs = bgp.bestRoute(node.id, "p");
              const a = mine ? `${mine.length > 1 ? relation(world.graph, node.id, mine[1] as number) : "self"}/${mine.length - 1}` : "none";
              const b = theirs ? `${theirs.rel}/${theirs.asPath.length}` : "none";
              if (a !== b) throw new Error(`node ${node.id}: chose ${a} (relationship/AS hops), BGP chose ${b}`);
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
