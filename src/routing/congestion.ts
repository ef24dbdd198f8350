import type { Rng } from "../sim/rng.js";

export interface CongestionOptions {
  /** Share of links that get congested at some times of day. @defaultValue 0.25 */
  readonly congestedShare?: number;
  /** Worst-case multiplier on a congested link's delay. @defaultValue up to 3 */
  readonly peakFactorMax?: number;
  /** Congestion cycles last between these periods (ms). @defaultValue 30 min … 4 h */
  readonly periodMsMin?: number;
  readonly periodMsMax?: number;
}

/** Seeded, time-varying delay multiplier of one link: 1 when calm, up to its peak when busy. */
export interface LinkCongestion {
  readonly peakFactor: number;
  readonly periodMs: number;
  readonly phase: number;
}

/**
 * Congestion as a sinusoidal busy-hour cycle per link (queueing delay grows with load, and
 * load follows the clock): calm half the cycle, then rising to the peak and back.
 */
export function drawCongestion(rng: Rng, options: CongestionOptions = {}): LinkCongestion | null {
  if (!rng.bool(options.congestedShare ?? 0.25)) return null;
  return {
    peakFactor: rng.float(1.2, options.peakFactorMax ?? 3),
    periodMs: rng.float(options.periodMsMin ?? 30 * 60_000, options.periodMsMax ?? 4 * 3600_000),
    phase: rng.float(0, 2 * Math.PI),
  };
}

// ANCHOR: congestion-factor
export function congestionFactor(c: LinkCongestion | null, atMs: number): number {
  if (!c) return 1;
  return 1 + (c.peakFactor - 1) * Math.max(0, Math.sin((2 * Math.PI * atMs) / c.periodMs + c.phase));
// ANCHOR_END: congestion-factor
}
