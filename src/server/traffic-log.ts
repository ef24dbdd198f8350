/**
 * What the local edge has served since it started, for the status page: a count per PoP and per
 * `cf-cache-status`, and the most recent requests. Bounded: the recent list keeps
 * `TRAFFIC_RECENT_MAX` entries (oldest dropped first); the per-PoP counts are keyed by the
 * edge's PoP codes (a fixed dataset) and the cache statuses by the few the cache emits, with
 * anything else counted under one "other" key.
 */
import { POPS } from "../sim/index.js";

/** How many recent requests the status page lists. */
export const TRAFFIC_RECENT_MAX = 20;
/** A request path is cut to this many characters in the recent list. */
const PATH_CHARS_MAX = 120;
const KNOWN_POPS = new Set(POPS.map((p) => p.code));
const CACHE_STATUSES = new Set(["HIT", "MISS", "EXPIRED", "STALE", "BYPASS", "REVALIDATED", "UPDATING", "DYNAMIC", "NONE"]);

export interface ServedRequest {
  atMs: number;
  method: string;
  path: string;
  pop: string;
  status: number;
  cacheStatus: string;
  dropped: boolean;
}

export class TrafficLog {
  #total = 0;
  #dropped = 0;
  readonly #byPop = new Map<string, number>();
  readonly #byCacheStatus = new Map<string, number>();
  readonly #recent: ServedRequest[] = [];

  record(request: ServedRequest): void {
    this.#total++;
    if (request.dropped) this.#dropped++;
    const pop = KNOWN_POPS.has(request.pop) ? request.pop : "other";
    this.#byPop.set(pop, (this.#byPop.get(pop) ?? 0) + 1);
    const cache = CACHE_STATUSES.has(request.cacheStatus) ? request.cacheStatus : "other";
    this.#byCacheStatus.set(cache, (this.#byCacheStatus.get(cache) ?? 0) + 1);
    // The caller's record is kept as given unless its path must be cut (one copy, not one per request).
    this.#recent.push(request.path.length > PATH_CHARS_MAX ? { ...request, path: request.path.slice(0, PATH_CHARS_MAX) } : request);
    if (this.#recent.length > TRAFFIC_RECENT_MAX) this.#recent.shift();
  }

  get total(): number {
    return this.#total;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Requests per PoP, most first (ties by code). */
  byPop(): Array<{ pop: string; requests: number }> {
    return [...this.#byPop].map(([pop, requests]) => ({ pop, requests })).sort((a, b) => b.requests - a.requests || (a.pop < b.pop ? -1 : 1));
  }

  byCacheStatus(): Array<{ status: string; requests: number }> {
    return [...this.#byCacheStatus].map(([status, requests]) => ({ status, requests })).sort((a, b) => b.requests - a.requests || (a.status < b.status ? -1 : 1));
  }

  /** The most recent requests, newest first. */
  recent(): ServedRequest[] {
    return [...this.#recent].reverse();
  }
}
