import { assert, EdgeError } from "../core/errors.js";
import { greatCircleKm } from "../sim/geo.js";
import type { Rng } from "../sim/rng.js";
import type { AsGraph, Relationship } from "./as-graph.js";
import { selectBest, type RouteCandidate } from "./best-path.js";

// ANCHOR: local-pref
/**
 * Gao-Rexford preferences: a route through a customer earns money, through a peer is free,
 * through a provider costs money (Gao & Rexford, "Stable Internet routing without global
 * coordination", 2001). Together with the export rule below they guarantee convergence.
 */
export const LOCAL_PREF = { self: 1000, customer: 200, peer: 100, provider: 50 } as const;
// ANCHOR_END: local-pref

export interface BgpRoute extends RouteCandidate {
  readonly prefix: string;
  /** Node whose announcement this is (for anycast: which PoP). */
  readonly originNode: number;
  /** Neighbour this route was learned from, or null for a locally originated route. */
  readonly learnedFrom: number | null;
  readonly rel: Relationship | "self";
}

interface Message {
  readonly from: number;
  readonly to: number;
  readonly prefix: string;
  /** Absent for a withdrawal. */
  readonly asPath?: readonly number[];
  readonly originNode?: number;
}

export interface RunOptions {
  /** When given, links are served in a random order (each link stays FIFO, as over TCP). */
  order?: Rng;
  /** Bound on delivered messages. @defaultValue 100 × links + 1000 */
  messagesMax?: number;
}

/** Path-vector routing over an AS graph with Gao-Rexford import and export policies. */
export class BgpNetwork {
  readonly graph: AsGraph;
  readonly #ribIn = new Map<string, Map<number, BgpRoute>>();
  readonly #best = new Map<string, BgpRoute>();
  readonly #advertised = new Map<string, string>();
  readonly #originated = new Set<string>();
  readonly #queues = new Map<string, Message[]>();
  /** Link keys in send order; a global FIFO over links that keeps each link FIFO. */
  #linkOrder: string[] = [];
  #linkOrderHead = 0;

  readonly #relations: ReadonlyArray<ReadonlyMap<number, Relationship>>;

  constructor(graph: AsGraph) {
    this.graph = graph;
    this.#relations = graph.neighbours.map((list) => new Map(list.map((n) => [n.node, n.rel])));
  }

  originate(node: number, prefix: string): void {
    this.#originated.add(`${node}|${prefix}`);
    this.#decide(node, prefix);
  }

  withdrawOrigin(node: number, prefix: string): void {
    this.#originated.delete(`${node}|${prefix}`);
    this.#decide(node, prefix);
  }

  /** Delivers messages until none is left; returns how many were delivered. */
  run(options: RunOptions = {}): number {
    const links = this.graph.neighbours.reduce((n, list) => n + list.length, 0);
    const messagesMax = options.messagesMax ?? 100 * links + 1000;
    let delivered = 0;
    for (let message = this.#next(options.order); message; message = this.#next(options.order)) {
      if (++delivered > messagesMax)
        throw new EdgeError("BGP_NOT_CONVERGED", 500, `no convergence after ${messagesMax} messages`);
      this.#receive(message);
    }
    return delivered;
  }

  bestRoute(node: number, prefix: string): BgpRoute | undefined {
    return this.#best.get(`${node}|${prefix}`);
  }

  /** Nodes a packet visits from `node` to the origin, or null when it is dropped or loops. */
  forwardingPath(node: number, prefix: string): number[] | null {
    const path = [node];
    for (let at = node; ; ) {
      const route = this.#best.get(`${at}|${prefix}`);
      if (!route) return null;
      if (route.learnedFrom === null) return path;
      at = route.learnedFrom;
      if (path.includes(at)) return null;
      path.push(at);
    }
  }

  #next(order: Rng | undefined): Message | undefined {
    let key: string | undefined;
    if (order) {
      // O(links) per message: meant for the order-independence tests on small graphs.
      const keys = [...this.#queues.keys()];
      if (keys.length > 0) key = keys[order.int(0, keys.length - 1)];
    } else {
      while (this.#linkOrderHead < this.#linkOrder.length && key === undefined) {
        const candidate = this.#linkOrder[this.#linkOrderHead++] as string;
        if (this.#queues.has(candidate)) key = candidate;
      }
    }
    if (key === undefined) {
      this.#linkOrder = [];
      this.#linkOrderHead = 0;
      return undefined;
    }
    const queue = this.#queues.get(key) as Message[];
    const message = queue.shift();
    if (queue.length === 0) this.#queues.delete(key);
    return message;
  }

  #send(message: Message): void {
    const key = `${message.from}>${message.to}`;
    this.#linkOrder.push(key);
    const queue = this.#queues.get(key);
    if (queue) queue.push(message);
    else this.#queues.set(key, [message]);
  }

  #receive(m: Message): void {
    const me = this.graph.nodes[m.to];
    assert(me !== undefined, `message to unknown node ${m.to}`);
    const key = `${m.to}|${m.prefix}`;
    const rib = this.#ribIn.get(key) ?? new Map<number, BgpRoute>();
    this.#ribIn.set(key, rib);
    // RFC 4271 §9.1.2: a route whose AS_PATH already holds my ASN is a loop and is ignored.
    if (m.asPath === undefined || m.asPath.includes(me.asn) || m.originNode === undefined) rib.delete(m.from);
    else rib.set(m.from, this.#importRoute(m, m.asPath, m.originNode));
    this.#decide(m.to, m.prefix);
  }

  #importRoute(m: Message, asPath: readonly number[], originNode: number): BgpRoute {
    const me = this.graph.nodes[m.to];
    const from = this.graph.nodes[m.from];
    const rel = this.#relations[m.to]?.get(m.from);
    assert(me && from && rel, `message over a missing link ${m.from}->${m.to}`);
    return {
      prefix: m.prefix,
      originNode,
      learnedFrom: m.from,
      rel,
      localPref: LOCAL_PREF[rel],
      asPath,
      origin: "IGP",
      med: 0,
      neighborAs: from.asn,
      ebgp: true,
      igpCost: Math.round(greatCircleKm(me, from)),
      routerId: from.routerId,
    };
  }

  #decide(node: number, prefix: string): void {
    const key = `${node}|${prefix}`;
    const me = this.graph.nodes[node];
    assert(me !== undefined, `unknown node ${node}`);
    const candidates = [...(this.#ribIn.get(key)?.values() ?? [])];
    if (this.#originated.has(key)) candidates.push(selfRoute(node, me.asn, me.routerId, prefix));
    const best = selectBest(candidates);
    const previousBest = this.#best.get(key);
    if (best) this.#best.set(key, best);
    else this.#best.delete(key);
    // What a node exports depends only on its best route, so an unchanged choice sends nothing.
    if (routeKey(best) === routeKey(previousBest)) return;
    // ANCHOR: export-rule
    for (const { node: peer, rel } of this.graph.neighbours[node] ?? []) {
      // Gao-Rexford export: customer (and own) routes go to everyone, others only to customers.
      const exportable =
        best !== undefined && best.learnedFrom !== peer && (best.rel === "self" || best.rel === "customer" || rel === "customer");
      const advertisedKey = `${node}>${peer}|${prefix}`;
      const previous = this.#advertised.get(advertisedKey);
      if (exportable) {
        const asPath = [me.asn, ...best.asPath];
        const summary = `${best.originNode}:${asPath.join(" ")}`;
        if (summary === previous) continue;
        this.#advertised.set(advertisedKey, summary);
        this.#send({ from: node, to: peer, prefix, asPath, originNode: best.originNode });
      } else if (previous !== undefined) {
        this.#advertised.delete(advertisedKey);
        this.#send({ from: node, to: peer, prefix });
      }
    }
    // ANCHOR_END: export-rule
  }
}

function routeKey(route: BgpRoute | undefined): string {
  return route ? `${route.learnedFrom}|${route.originNode}|${route.asPath.join(" ")}` : "none";
}

function selfRoute(node: number, asn: number, routerId: number, prefix: string): BgpRoute {
  return {
    prefix,
    originNode: node,
    learnedFrom: null,
    rel: "self",
    localPref: LOCAL_PREF.self,
    asPath: [],
    origin: "IGP",
    med: 0,
    neighborAs: asn,
    ebgp: false,
    routerId,
  };
}
