import { greatCircleKm, type LatLon } from "./geo.js";
import type { Rng } from "./rng.js";

// Light in fibre travels at about c / 1.468 (refractive index of silica) ≈ 204 km per ms.
export const FIBRE_KM_PER_MS = 204;
// Fibre paths are longer than great circles; ~1.5x is the usual rule of thumb for
// terrestrial/submarine routing overhead (e.g. "Speed-of-light Internet", Bozkurt et al.).
export const ROUTE_FACTOR_DEFAULT = 1.5;

export interface LatencyModelOptions {
  /** Stream for jitter; fork one per model (`sim.rng.fork("latency")`). */
  rng: Rng;
  /** Path stretch over the great circle. @defaultValue 1.5 */
  routeFactor?: number;
  /** Fixed per-hop processing and last-mile cost added one way. @defaultValue 0.5 */
  baseMs?: number;
  /** Mean of the exponential jitter added one way. @defaultValue 0.2 */
  jitterMsMean?: number;
}

/** One-way and round-trip network delay between two points: distance plus seeded jitter. */
export class LatencyModel {
  readonly #rng: Rng;
  readonly #routeFactor: number;
  readonly #baseMs: number;
  readonly #jitterMsMean: number;

  constructor(options: LatencyModelOptions) {
    this.#rng = options.rng;
    this.#routeFactor = options.routeFactor ?? ROUTE_FACTOR_DEFAULT;
    this.#baseMs = options.baseMs ?? 0.5;
    this.#jitterMsMean = options.jitterMsMean ?? 0.2;
  }

  /** The deterministic part: propagation over the stretched path plus the base cost. */
  propagationMs(a: LatLon, b: LatLon): number {
    return this.#baseMs + (greatCircleKm(a, b) * this.#routeFactor) / FIBRE_KM_PER_MS;
  }

  /** One sample of one-way delay (consumes the jitter stream). */
  oneWayMs(a: LatLon, b: LatLon): number {
    return this.propagationMs(a, b) + this.#rng.exponential(this.#jitterMsMean);
  }

  /** One sample of round-trip delay. */
  rttMs(a: LatLon, b: LatLon): number {
    return this.oneWayMs(a, b) + this.oneWayMs(b, a);
  }
}
