import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { BgpNetwork, isValleyFree, type AsGraph, type Relationship } from "../../../src/net/index.js";
import { Rng } from "../../../src/sim/index.js";
import { internetWorld, relation, smallWorldArb, type SmallWorld } from "./worlds.js";

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

/** The links (one per direction) from the origins: each must carry at least one announcement. */
function originLinks(graph: AsGraph, origins: readonly number[]): number {
  return [...new Set(origins)].reduce((n, o) => n + (graph.neighbours[o]?.length ?? 0), 0);
}

function checkRunCount(net: PathVector, delivered: number, graph: AsGraph, origins: readonly number[]): void {
  if (!Number.isInteger(delivered) || delivered < originLinks(graph, origins))
    throw new Error(`run() returned ${delivered}; the origins alone announce over ${originLinks(graph, origins)} links`);
  const again = net.run();
  if (again !== 0) throw new Error(`a second run() after convergence delivered ${again} updates; nothing was left to deliver`);
}

/** One step of a session: a node starts or stops announcing, then the network may run. */
const opsArb = fc.array(
  fc.record({ site: fc.nat(), anyNode: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), announce: fc.boolean(), run: fc.boolean() }),
  { minLength: 1, maxLength: 8 },
);

const compareFresh = (make: Make, world: SmallWorld, net: PathVector, origins: readonly number[], label: string): void => {
  checkShape(world, net, origins);
  const after = paths(net, world.graph);
  const fresh = paths(converge(make, world, undefined, origins), world.graph);
  const i = fresh.findIndex((p, k) => p !== after[k]);
  if (i >= 0) throw new Error(`${label}: node ${i} holds [${after[i]}], a fresh run announcing from ${origins.join(", ") || "nobody"} gives [${fresh[i]}]`);
};

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
          fc.property(smallWorldArb, (world) => {
            const net = make(world.graph);
            for (const o of world.origins) net.originate(o);
            const delivered = net.run();
            checkShape(world, net, world.origins);
            checkRunCount(net, delivered, world.graph, world.origins);
          }),
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
      name: "after any sequence of announcements and withdrawals (repeats, runs in between, two networks side by side), routes equal a fresh run",
      run: (make, ctx) =>
        check(
          fc.property(smallWorldArb, opsArb, opsArb, fc.integer(), (world, opsA, opsB, seed) => {
            const order = new Rng(seed);
            const sessions = [
              { net: make(world.graph), ops: opsA, on: new Set<number>(world.sites) },
              { net: make(world.graph), ops: opsB, on: new Set<number>() },
            ];
            // The first network starts from every site announcing; the second from none.
            for (const site of world.sites) sessions[0]?.net.originate(site);
            sessions[0]?.net.run(order);
            for (let i = 0; i < Math.max(opsA.length, opsB.length); i++) {
              for (const { net, ops, on } of sessions) {
                const op = ops[i];
                if (op === undefined) continue;
                const node = op.anyNode ? op.site % world.graph.nodes.length : (world.sites[op.site % world.sites.length] as number);
                if (op.announce) {
                  net.originate(node);
                  on.add(node);
                } else {
                  net.withdraw(node);
                  on.delete(node);
                }
                if (op.run) net.run(order);
              }
            }
            for (const [k, { net, on }] of sessions.entries()) {
              net.run(order);
              compareFresh(make, world, net, [...on], `network ${k + 1}`);
            }
          }),
          ctx,
          { numRuns: 120 },
        ),
    },
    {
      name: "on the generated Internet of the whole PoP dataset (hundreds of PoPs and networks), routes are valley-free, loop-free and stable, before and after withdrawals",
      run: (make, ctx) =>
        check(
          fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer(), (keep, drop, seed) => {
            const graph = internetWorld();
            const sites = graph.nodes.filter((n) => n.kind === "edge").map((n) => n.id);
            const rng = new Rng(seed);
            // Every PoP, or a random share of them (at least one).
            const origins = sites.filter((_, i) => i === 0 || rng.next() < keep);
            const world: SmallWorld = { graph, sites, origins };
            const net = make(graph);
            for (const o of origins) net.originate(o);
            checkRunCount(net, net.run(), graph, origins);
            checkShape(world, net, origins);
            checkStable(world, net, origins);
            const left = origins.filter((o, i) => i === 0 || rng.next() >= drop);
            for (const o of origins) if (!left.includes(o)) net.withdraw(o);
            net.run(rng);
            checkShape(world, net, left);
            checkStable(world, net, left);
          }),
          ctx,
          { numRuns: 2, examples: [[1, 0.5, 7]] },
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
