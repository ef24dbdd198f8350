// Q4 · level 2 · Route propagation (Gao-Rexford)
// Best-path selection is local; the Internet's routes come from every AS repeating its choice
// to its neighbours. Which neighbours is a business decision (Gao & Rexford, 2001): a route
// learned from a CUSTOMER (or your own prefix) is announced to everyone, because customers
// pay you to carry their traffic; a route learned from a PEER or a PROVIDER is announced only
// to customers, or you would carry traffic between two networks that pay you nothing.
//
// Implement `PathVectorNetwork` over an `AsGraph` (nodes with `asn`, links with a relationship
// "customer" | "peer" | "provider" as seen from the node):
// - `originate(node)` / `withdraw(node)` start or stop announcing the one prefix from a node
//   (announcing twice, or withdrawing a node that does not announce, changes nothing); calls
//   may come at any time, between runs or before the first;
// - `run(order?)` delivers queued updates until none is left and returns how many it delivered
//   (0 when nothing was queued); with `order`, pick the next LINK to serve at random from it
//   (each link stays FIFO, as TCP);
// - `path(node)` is the chosen route as nodes `[node, next hop, …, origin]`, or undefined.
// Preference: own prefix, then customer > peer > provider routes, then the shorter path, then
// the lowest neighbour node id. Ignore a route whose path already holds your own ASN (RFC 4271
// §9.1.2: that is a loop — anycast sites share one ASN, so a site never routes to a sibling).
// Constraints: deterministic; state per instance (two networks over one graph are independent);
// bounded: throw an Error once more than 100 × L + 1000 updates were delivered in one run, L =
// the links counted in each direction (the total length of `graph.neighbours`). With these
// preferences and export rules every graph converges well before that; the bound turns a bug
// that never converges into an error instead of a hang.
// Hints: `npm run kata -- hint q4/2`. Grade: `npm run kata -- check q4/2`.
import type { AsGraph } from "../../src/net/index.js";
import type { Rng } from "../../src/sim/index.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export class PathVectorNetwork {
  constructor(readonly graph: AsGraph) {}

  originate(node: number): void {
    // TODO: remember that `node` announces the prefix, then re-decide its best route.
    throw new NotImplemented("PathVectorNetwork.originate");
  }

  withdraw(node: number): void {
    // TODO: stop announcing from `node`; its neighbours must hear about it.
    throw new NotImplemented("PathVectorNetwork.withdraw");
  }

  run(order?: Rng): number {
    // TODO: deliver queued updates (per-link FIFO) until none is left; count them.
    throw new NotImplemented("PathVectorNetwork.run");
  }

  path(node: number): readonly number[] | undefined {
    // TODO: the chosen route of `node` as [node, next hop, …, origin].
    throw new NotImplemented("PathVectorNetwork.path");
  }
}
