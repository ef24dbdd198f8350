import { EdgeError } from "../core/errors.js";
import { greatCircleKm } from "../sim/geo.js";
import type { Pop, Region } from "../sim/pops.js";

/**
 * Where objects may live, and which of those places are healthy. Cloudflare creates an object
 * in a data centre near the first request for it and keeps it there; only a subset of PoPs run
 * Durable Objects, which is why the candidate list is separate from the list of callers.
 */
export class Placement {
  readonly #candidates: readonly Pop[];
  readonly #unhealthy = new Set<string>();

  constructor(candidates: readonly Pop[]) {
    if (candidates.length === 0) throw new EdgeError("DO_NO_LOCATION", 500, "a Durable Object runtime needs at least one PoP");
    this.#candidates = candidates;
  }

  isHealthy(pop: Pop): boolean {
    return !this.#unhealthy.has(pop.code);
  }

  /** Marks a region ("EU") or one PoP ("LHR") unhealthy; returns the PoP codes affected. */
  markUnhealthy(target: Region | string): string[] {
    const hit = this.#matching(target);
    for (const code of hit) this.#unhealthy.add(code);
    return hit;
  }

  markHealthy(target: Region | string): string[] {
    const hit = this.#matching(target);
    for (const code of hit) this.#unhealthy.delete(code);
    return hit;
  }

  /** The healthy candidate nearest to `from`. */
  nearestHealthy(from: Pop): Pop {
    let best: Pop | undefined;
    let bestKm = Number.POSITIVE_INFINITY;
    for (const pop of this.#candidates) {
      if (this.#unhealthy.has(pop.code)) continue;
      const km = greatCircleKm(from, pop);
      if (km < bestKm) {
        best = pop;
        bestKm = km;
      }
    }
    if (best === undefined) {
      throw new EdgeError("DO_NO_HEALTHY_LOCATION", 503, "every PoP that can host Durable Objects is unhealthy");
    }
    return best;
  }

  #matching(target: string): string[] {
    const hit = this.#candidates.filter((p) => p.region === target || p.code === target).map((p) => p.code);
    if (hit.length === 0) throw new EdgeError("DO_UNKNOWN_POP", 400, `"${target}" names no region or PoP that hosts objects`);
    return hit;
  }
}
