// Mutant: compares AS-path length before the business relationship ("BGP picks the shortest path"): a node with a 2-hop provider route and a 3-hop customer route picks the provider route. (blind)
import type { AsGraph, Relationship } from "../../../src/net/index.js";
import type { Rng } from "../../../src/sim/index.js";

type Rel = Relationship | "self";
const REL_RANK: Readonly<Record<Rel, number>> = { self: 0, customer: 1, peer: 2, provider: 3 };

/** An update on one link: the sender's path [from, …, origin], or a withdrawal (no path). */
interface Update {
  readonly from: number;
  readonly to: number;
  readonly path?: readonly number[];
}

interface Choice {
  readonly path: readonly number[];
  readonly rel: Rel;
  readonly via: number | null;
}

function choiceKey(c: Choice | undefined): string {
  return c ? `${c.via}|${c.path.join(" ")}` : "none";
}

export class PathVectorNetwork {
  readonly #originating = new Set<number>();
  readonly #ribIn: Map<number, readonly number[]>[];
  readonly #best = new Map<number, Choice>();
  readonly #sent = new Map<string, string>();
  readonly #queues = new Map<string, Update[]>();
  readonly #rel: ReadonlyMap<number, Relationship>[];
  #fifo: string[] = [];
  #fifoHead = 0;

  constructor(readonly graph: AsGraph) {
    this.#ribIn = graph.nodes.map(() => new Map<number, readonly number[]>());
    this.#rel = graph.neighbours.map((list) => new Map(list.map((n) => [n.node, n.rel] as const)));
  }

  originate(node: number): void {
    this.#originating.add(node);
    this.#decide(node);
  }

  withdraw(node: number): void {
    this.#originating.delete(node);
    this.#decide(node);
  }

  run(order?: Rng): number {
    const links = this.graph.neighbours.reduce((n, list) => n + list.length, 0);
    const max = 100 * links + 1000;
    let delivered = 0;
    for (let u = this.#next(order); u; u = this.#next(order)) {
      if (++delivered > max) throw new Error(`no convergence after ${max} updates`);
      this.#receive(u);
    }
    return delivered;
  }

  path(node: number): readonly number[] | undefined {
    return this.#best.get(node)?.path;
  }

  #next(order: Rng | undefined): Update | undefined {
    let key: string | undefined;
    if (order) {
      const keys = [...this.#queues.keys()];
      if (keys.length > 0) key = keys[order.int(0, keys.length - 1)];
    } else {
      while (key === undefined && this.#fifoHead < this.#fifo.length) {
        const candidate = this.#fifo[this.#fifoHead++] as string;
        if (this.#queues.has(candidate)) key = candidate;
      }
    }
    if (key === undefined) {
      this.#fifo = [];
      this.#fifoHead = 0;
      return undefined;
    }
    const queue = this.#queues.get(key) as Update[];
    const update = queue.shift();
    if (queue.length === 0) this.#queues.delete(key);
    return update;
  }

  #send(update: Update): void {
    const key = `${update.from}>${update.to}`;
    this.#fifo.push(key);
    const queue = this.#queues.get(key);
    if (queue) queue.push(update);
    else this.#queues.set(key, [update]);
  }

  #receive(u: Update): void {
    const rib = this.#ribIn[u.to] as Map<number, readonly number[]>;
    if (u.path === undefined || this.#hasLoop(u.to, u.path)) rib.delete(u.from);
    else rib.set(u.from, u.path);
    this.#decide(u.to);
  }

  #hasLoop(node: number, path: readonly number[]): boolean {
    // RFC 4271: a loop is my ASN in the path (anycast siblings share one ASN).
    const asn = this.graph.nodes[node]?.asn;
    return path.some((n) => this.graph.nodes[n]?.asn === asn);
  }

  #better(a: Choice, b: Choice): boolean {
    if (a.path.length !== b.path.length) return a.path.length < b.path.length;
    if (REL_RANK[a.rel] !== REL_RANK[b.rel]) return REL_RANK[a.rel] < REL_RANK[b.rel];
    return this.#tieBreak(a) < this.#tieBreak(b);
  }

  #tieBreak(c: Choice): number {
    return c.via ?? -1;
  }

  #decide(node: number): void {
    let best: Choice | undefined = this.#originating.has(node) ? { path: [node], rel: "self", via: null } : undefined;
    const rels = this.#rel[node] as ReadonlyMap<number, Relationship>;
    for (const [neighbour, theirPath] of this.#ribIn[node] ?? []) {
      const rel = rels.get(neighbour);
      if (rel === undefined) continue;
      const candidate: Choice = { path: [node, ...theirPath], rel, via: neighbour };
      if (!best || this.#better(candidate, best)) best = candidate;
    }
    const previous = this.#best.get(node);
    if (best) this.#best.set(node, best);
    else this.#best.delete(node);
    if (choiceKey(best) === choiceKey(previous)) return;
    for (const { node: neighbour, rel } of this.graph.neighbours[node] ?? []) {
      const exportable =
        best !== undefined && best.via !== neighbour && (best.rel === "self" || best.rel === "customer" || rel === "customer");
      const link = `${node}>${neighbour}`;
      const last = this.#sent.get(link);
      if (exportable && best) {
        const text = best.path.join(" ");
        if (text === last) continue;
        this.#sent.set(link, text);
        this.#send({ from: node, to: neighbour, path: best.path });
      } else if (last !== undefined) {
        this.#sent.delete(link);
        this.#send({ from: node, to: neighbour });
      }
    }
  }
}
