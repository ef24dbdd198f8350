import { dijkstra } from "./dijkstra.js";
import type { PopMesh } from "./pop-mesh.js";

export interface RouteDecision {
  /** The Internet path from the client's PoP to the origin's PoP, one way, ms. */
  readonly directMs: number;
  /** The chosen path's delay: never more than `directMs`. */
  readonly chosenMs: number;
  /** PoP codes, client side first; two entries when the direct path won. */
  readonly path: readonly string[];
  readonly viaBackbone: boolean;
  /** (direct − chosen) / direct × 100. */
  readonly improvementPct: number;
}

/**
 * Argo-style smart routing: with current measurements, take the fastest backbone path from
 * the client's PoP to the PoP nearest the origin, unless the plain Internet path is faster.
 */
export class SmartRouter {
  readonly #mesh: PopMesh;

  constructor(mesh: PopMesh) {
    this.#mesh = mesh;
  }

  // ANCHOR: route
  route(fromCode: string, toCode: string, atMs: number): RouteDecision {
    const from = this.#mesh.indexOf(fromCode);
    const to = this.#mesh.indexOf(toCode);
    const code = (i: number): string => this.#mesh.pops[i]!.code;
    if (from === to) return { directMs: 0, chosenMs: 0, path: [code(from)], viaBackbone: false, improvementPct: 0 };
    const directMs = this.#mesh.transitMs(from, to, atMs);
    const best = dijkstra(this.#mesh.backboneAt(atMs), from, to);
    const viaBackbone = best.distance < directMs;
    const chosenMs = viaBackbone ? best.distance : directMs;
    return {
      directMs,
      chosenMs,
      path: viaBackbone ? best.path.map(code) : [code(from), code(to)],
      viaBackbone,
      improvementPct: ((directMs - chosenMs) / directMs) * 100,
  // ANCHOR_END: route
    };
  }
}
