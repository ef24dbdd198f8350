import { effectiveDirectives, sharedEffectiveDirectives, type CacheDirectives } from "./cache-control.js";
import type { CacheRequest, CacheResponse } from "./http-message.js";
import { parseHttpDate } from "./http-date.js";

// RFC 9110 §15.1: status codes that are "heuristically cacheable".
export const HEURISTICALLY_CACHEABLE_STATUSES: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);
// RFC 9111 §4.2.2 suggests 10% of the time since Last-Modified; the cap is edge-kata's choice
// (a day, as several proxies use) so a decades-old file is not cached for years.
export const HEURISTIC_FRACTION = 0.1;
export const HEURISTIC_FRESHNESS_MS_MAX = 24 * 3600 * 1000;

/** Why a response was not stored; `null` when it was storable. */
export type NotStorableReason = "no-store" | "private" | "authorization" | "set-cookie" | "vary-star" | "status" | "no-freshness" | null;

/**
 * RFC 9111 §3 for a shared cache. Two edge-specific choices: a response with Set-Cookie is
 * treated as private (Cloudflare does not cache it by default), and a response with no
 * explicit or heuristic freshness and no validator is not stored (it could never be used).
 */
export function notStorableReason(request: CacheRequest, response: CacheResponse): NotStorableReason {
  // Read only here: the shared parse, not a copy of it.
  const directives = sharedEffectiveDirectives(response.headers);
  const requestDirectives = (request.headers["cache-control"] ?? "").toLowerCase();
  if (directives.noStore || /(^|,)\s*no-store\s*(,|$)/.test(requestDirectives)) return "no-store";
  if (directives.private) return "private";
  if (response.headers["set-cookie"] !== undefined) return "set-cookie";
  // §3.5: a shared cache stores an answer to an authenticated request only if told it may.
  if (request.headers["authorization"] !== undefined && !(directives.public || directives.mustRevalidate || directives.sMaxAgeS !== undefined)) {
    return "authorization";
  }
  if ((response.headers["vary"] ?? "").includes("*")) return "vary-star";
  if (response.status < 200 || response.status === 206 || response.status === 304) return "status";
  const explicit = directives.maxAgeS !== undefined || directives.sMaxAgeS !== undefined || response.headers["expires"] !== undefined;
  const heuristic = HEURISTICALLY_CACHEABLE_STATUSES.has(response.status) || directives.public;
  if (!explicit && !heuristic) return "status";
  const hasValidator = response.headers["etag"] !== undefined || response.headers["last-modified"] !== undefined;
  if (freshnessLifetimeMs(response) <= 0 && !hasValidator) return "no-freshness";
  return null;
}

// ANCHOR: lifetime
/** RFC 9111 §4.2.1 for a shared cache: s-maxage, then max-age, then Expires − Date, then §4.2.2. */
export function freshnessLifetimeMs(response: CacheResponse): number {
  const { directives, targeted } = effectiveDirectives(response.headers);
  if (directives.sMaxAgeS !== undefined) return directives.sMaxAgeS * 1000;
  if (directives.maxAgeS !== undefined) return directives.maxAgeS * 1000;
  const date = parseHttpDate(response.headers["date"]);
  if (!targeted && response.headers["expires"] !== undefined) {
    // §5.3: an invalid Expires (such as "0") means "already expired".
    const expires = parseHttpDate(response.headers["expires"]);
    return expires === null || date === null ? 0 : Math.max(0, expires - date);
  }
  if (!HEURISTICALLY_CACHEABLE_STATUSES.has(response.status) && !directives.public) return 0;
  const lastModified = parseHttpDate(response.headers["last-modified"]);
  if (date === null || lastModified === null || lastModified >= date) return 0;
  return Math.min(HEURISTIC_FRESHNESS_MS_MAX, Math.floor((date - lastModified) * HEURISTIC_FRACTION));
// ANCHOR_END: lifetime
}

export interface AgeInputs {
  readonly requestTimeMs: number;
  readonly responseTimeMs: number;
}

/** RFC 9111 §4.2.3, in milliseconds. */
export function currentAgeMs(response: CacheResponse, times: AgeInputs, nowMs: number): number {
  const dateValue = parseHttpDate(response.headers["date"]) ?? times.responseTimeMs;
  const ageHeader = response.headers["age"];
  const ageValueMs = ageHeader !== undefined && /^\d+$/.test(ageHeader.trim()) ? Number(ageHeader.trim()) * 1000 : 0;
  const apparentAge = Math.max(0, times.responseTimeMs - dateValue);
  const responseDelay = times.responseTimeMs - times.requestTimeMs;
  const correctedAgeValue = ageValueMs + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = nowMs - times.responseTimeMs;
  return correctedInitialAge + residentTime;
}

/** §5.2.2.10: s-maxage also means proxy-revalidate; both mean must-revalidate for us. */
export function mustRevalidateWhenStale(d: CacheDirectives): boolean {
  return d.mustRevalidate || d.proxyRevalidate || d.sMaxAgeS !== undefined;
}

/** What a cache derives from a stored response once, instead of on every hit. */
export interface EntryMeta {
  /** RFC 9111 §4.2.3 corrected_initial_age. */
  readonly initialAgeMs: number;
  readonly lifetimeMs: number;
  readonly directives: CacheDirectives;
}

export function entryMeta(response: CacheResponse, times: AgeInputs): EntryMeta {
  return {
    initialAgeMs: currentAgeMs(response, times, times.responseTimeMs),
    lifetimeMs: freshnessLifetimeMs(response),
    directives: effectiveDirectives(response.headers).directives,
  };
}

/**
 * `entryMeta` whose `directives` is shared (frozen) between entries with the same field value,
 * for the meta a cache keeps with every stored entry.
 */
export function storedEntryMeta(response: CacheResponse, times: AgeInputs): EntryMeta {
  return {
    initialAgeMs: currentAgeMs(response, times, times.responseTimeMs),
    lifetimeMs: freshnessLifetimeMs(response),
    directives: sharedEffectiveDirectives(response.headers),
  };
}
