import { LatencyModel } from "../sim/latency.js";
import { popByCode, type Pop } from "../sim/pops.js";
import type { Rng } from "../sim/rng.js";
import { PopMesh } from "./pop-mesh.js";
import { SmartRouter } from "./smart-router.js";

/** How a request's origin leg travels from the PoP that took it to the PoP nearest the origin. */
export interface OriginRoute {
  /** PoP codes, the request's PoP first, the origin's PoP last. */
  readonly path: readonly string[];
  /** Round trip over the path taken, ms. */
  readonly rttMs: number;
  /** Round trip over the BGP path (the plain Internet) at the same moment, ms. */
  readonly bgpRttMs: number;
  /** True when smart routing took the backbone because it beat the BGP path. */
  readonly viaBackbone: boolean;
  readonly smart: boolean;
}

export interface OriginRouterOptions {
  readonly pops: readonly Pop[];
  /** Seeds the mesh's links and congestion (smart routing only). */
  readonly rng: Rng;
  /**
   * Argo-style smart routing: the origin leg follows the fastest measured backbone path over
   * the congested PoP mesh when it beats BGP's. Off, the leg is the direct path's
   * propagation delay. @defaultValue false
   */
  readonly smart?: boolean;
  /**
   * How often paths are re-measured; a route is reused within one interval. Congestion cycles
   * last 30 minutes or more, so a minute loses nothing; 0 measures at every call (the study
   * samples exact moments). @defaultValue 60_000
   */
  readonly measureIntervalMs?: number;
}

const MEASURE_INTERVAL_MS_DEFAULT = 60_000;

/**
 * The routing stage of the request journey (and of the simulation's improvement study): one
 * place decides the origin leg's path and delay, so the pipeline's `server-timing` and the
 * study's report measure the same thing.
 */
export class OriginRouter {
  readonly smart: boolean;
  readonly #pops: readonly Pop[];
  readonly #rng: Rng;
  readonly #intervalMs: number;
  readonly #direct: LatencyModel;
  #router: SmartRouter | undefined;
  // One entry per (from, to) pair in use, replaced each interval: bounded by the pairs of PoPs.
  readonly #memo = new Map<string, { intervalStart: number; route: OriginRoute }>();

  constructor(options: OriginRouterOptions) {
    this.smart = options.smart ?? false;
    this.#pops = options.pops;
    this.#rng = options.rng;
    this.#intervalMs = options.measureIntervalMs ?? MEASURE_INTERVAL_MS_DEFAULT;
    // Only `propagationMs` is read, which draws nothing: the direct leg has no jitter.
    this.#direct = new LatencyModel({ rng: options.rng.fork("direct") });
  }

  /** The origin leg from `from` to `to` as measured at `atMs`. */
  route(from: string, to: string, atMs: number): OriginRoute {
    if (this.#intervalMs <= 0) return this.smart ? this.#smartRoute(from, to, atMs) : this.#directRoute(from, to);
    const intervalStart = Math.floor(atMs / this.#intervalMs) * this.#intervalMs;
    const key = `${from}>${to}`;
    const memo = this.#memo.get(key);
    if (memo !== undefined && memo.intervalStart === intervalStart) return memo.route;
    const route = this.smart ? this.#smartRoute(from, to, intervalStart) : this.#directRoute(from, to);
    this.#memo.set(key, { intervalStart, route });
    return route;
  }

  #directRoute(from: string, to: string): OriginRoute {
    const a = popByCode(from);
    const b = popByCode(to);
    const rttMs = a && b ? 2 * this.#direct.propagationMs(a, b) : 0;
    return { path: from === to ? [from] : [from, to], rttMs, bgpRttMs: rttMs, viaBackbone: false, smart: false };
  }

  #smartRoute(from: string, to: string, atMs: number): OriginRoute {
    this.#router ??= new SmartRouter(new PopMesh({ pops: this.#pops, rng: this.#rng }));
    const decision = this.#router.route(from, to, atMs);
    return { path: decision.path, rttMs: 2 * decision.chosenMs, bgpRttMs: 2 * decision.directMs, viaBackbone: decision.viaBackbone, smart: true };
  }
}
