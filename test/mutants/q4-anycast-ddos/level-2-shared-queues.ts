// Mutant: keeps the update queues in one module-level table, so two networks built over the same
// graph deliver each other's updates: state that must be per instance is global.
import type { AsGraph, Relationship } from "../../../src/net/index.js";
import type { Rng } from "../../../src/sim/index.js";

// Gao-Rexford: customer routes earn money, peer routes are free, provider routes cost money.
const PREFERENCE: Readonly<Record<Relationship | "self", number>> = { self: 3, customer: 2, peer: 1, provider: 0 };

interface Update {
  readonly from: number;
  readonly to: number;
  /** The sender's path `[from, …, origin]`, or null to withdraw. */
  readonly path: readonly number[] | null;
}

const SHARED_QUEUES = new Map<string, Update[]>();

export class PathVectorNetwork {
  readonly graph: AsGraph;
  readonly #rel: ReadonlyArray<ReadonlyMap<number, Relationship>>;
  readonly #ribIn: Map<number, readonly number[]>[];
  readonly #best: (readonly number[] | undefined)[];
  readonly #sent: Map<number, string>[];
  readonly #origins = new Set<number>();
  // One delivery queue for the process: "the network" is a singleton, isn't it?
  readonly #queues = SHARED_QUEUES;

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
