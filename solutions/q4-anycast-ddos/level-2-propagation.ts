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
import type { AsGraph, Relationship } from "../../src/net/index.js";
import type { Rng } from "../../src/sim/index.js";

// Gao-Rexford: customer routes earn money, peer routes are free, provider routes cost money.
const PREFERENCE: Readonly<Record<Relationship | "self", number>> = { self: 3, customer: 2, peer: 1, provider: 0 };

interface Update {
  readonly from: number;
  readonly to: number;
  /** The sender's path `[from, …, origin]`, or null to withdraw. */
  readonly path: readonly number[] | null;
}

export class PathVectorNetwork {
  readonly graph: AsGraph;
  readonly #rel: ReadonlyArray<ReadonlyMap<number, Relationship>>;
  readonly #ribIn: Map<number, readonly number[]>[];
  readonly #best: (readonly number[] | undefined)[];
  readonly #sent: Map<number, string>[];
  readonly #origins = new Set<number>();
  readonly #queues = new Map<string, Update[]>();

  constructor(graph: AsGraph) {
    this.graph = graph;
    this.#rel = graph.neighbours.map((list) => new Map(list.map((n) => [n.node, n.rel])));
    this.#ribIn = graph.nodes.map(() => new Map());
    this.#best = graph.nodes.map(() => undefined);
    this.#sent = graph.nodes.map(() => new Map());
  }

  originate(node: number): void {
    this.#origins.add(node);
    this.#decide(node);
  }

  withdraw(node: number): void {
    this.#origins.delete(node);
    this.#decide(node);
  }

  path(node: number): readonly number[] | undefined {
    return this.#best[node];
  }

  run(order?: Rng): number {
    const links = this.graph.neighbours.reduce((n, list) => n + list.length, 0);
    const deliveriesMax = 100 * links + 1000;
    let delivered = 0;
    for (;;) {
      const keys = [...this.#queues.keys()];
      if (keys.length === 0) return delivered;
      // Map order is arrival order of the first queued update per link: FIFO by default.
      const key = (order ? keys[order.int(0, keys.length - 1)] : keys[0]) as string;
      const queue = this.#queues.get(key) as Update[];
      const update = queue.shift() as Update;
      if (queue.length === 0) this.#queues.delete(key);
      if (++delivered > deliveriesMax) throw new Error(`no convergence after ${deliveriesMax} updates`);
      this.#receive(update);
    }
  }

  #receive(u: Update): void {
    const myAsn = this.graph.nodes[u.to]?.asn;
    // Loop detection by ASN, not by node: a sibling anycast site has my ASN too.
    const loops = u.path !== null && u.path.some((n) => this.graph.nodes[n]?.asn === myAsn);
    if (u.path === null || loops) this.#ribIn[u.to]?.delete(u.from);
    else this.#ribIn[u.to]?.set(u.from, u.path);
    this.#decide(u.to);
  }

  #decide(node: number): void {
    let best: { path: readonly number[]; pref: number; via: number } | undefined;
    if (this.#origins.has(node)) best = { path: [node], pref: PREFERENCE.self, via: -1 };
    for (const [via, path] of this.#ribIn[node] ?? []) {
      const pref = PREFERENCE[this.#rel[node]?.get(via) as Relationship];
      const better =
        !best || pref > best.pref || (pref === best.pref && (path.length + 1 < best.path.length || (path.length + 1 === best.path.length && via < best.via)));
      if (better) best = { path: [node, ...path], pref, via };
    }
    const previous = this.#best[node];
    this.#best[node] = best?.path;
    if (previous?.join() === best?.path.join()) return;
    for (const { node: neighbour, rel } of this.graph.neighbours[node] ?? []) {
      // Gao-Rexford export: own and customer routes to everyone; peer and provider routes only
      // to customers. Anything else would make this AS a free transit: a "valley" (a leak).
      const exportable = best !== undefined && (best.pref >= PREFERENCE.customer || rel === "customer");
      const text = exportable ? best?.path.join() : undefined;
      const sent = this.#sent[node]?.get(neighbour);
      if (text === sent) continue;
      // A route that can no longer be exported must be withdrawn explicitly, or the neighbour
      // keeps using a path that no longer exists.
      if (text === undefined) this.#sent[node]?.delete(neighbour);
      else this.#sent[node]?.set(neighbour, text);
      this.#send({ from: node, to: neighbour, path: exportable ? (best?.path as readonly number[]) : null });
    }
  }

  #send(update: Update): void {
    const key = `${update.from}>${update.to}`;
    const queue = this.#queues.get(key);
    if (queue) queue.push(update);
    else this.#queues.set(key, [update]);
  }
}
