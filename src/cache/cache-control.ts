/** Parsed Cache-Control directives; absent directives are undefined. Seconds as numbers. */
export interface CacheDirectives {
  readonly noStore: boolean;
  readonly noCache: boolean;
  readonly private: boolean;
  readonly public: boolean;
  readonly mustRevalidate: boolean;
  readonly proxyRevalidate: boolean;
  readonly maxAgeS?: number;
  readonly sMaxAgeS?: number;
  readonly staleWhileRevalidateS?: number;
  readonly staleIfErrorS?: number;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.replace(/^"|"$/g, "");
  // RFC 9111 §1.2.2: delta-seconds is 1*DIGIT; an invalid value makes the directive void.
  return /^\d+$/.test(v) ? Math.min(Number(v), 2 ** 31) : undefined;
}

// Bounds the memo of parsed field values; origins repeat a handful of Cache-Control values.
const PARSED_MEMO_ENTRIES_MAX = 512;
const parsedMemo = new Map<string, CacheDirectives>();

/** Parses a Cache-Control (or CDN-Cache-Control) field value; unknown directives are ignored. */
export function parseCacheControl(value: string | undefined): CacheDirectives {
  // The cache reads a stored response's directives several times per request and tier: each
  // distinct value is parsed once, and every caller still gets its own object.
  return copyOf(sharedParse(value));
}

/** A fresh copy, field by field in declaration order (faster than spreading a frozen object). */
function copyOf(d: CacheDirectives): CacheDirectives {
  return {
    noStore: d.noStore,
    noCache: d.noCache,
    private: d.private,
    public: d.public,
    mustRevalidate: d.mustRevalidate,
    proxyRevalidate: d.proxyRevalidate,
    maxAgeS: d.maxAgeS,
    sMaxAgeS: d.sMaxAgeS,
    staleWhileRevalidateS: d.staleWhileRevalidateS,
    staleIfErrorS: d.staleIfErrorS,
  };
}

/** The parse of `value`, frozen and shared by every caller with the same value. */
function sharedParse(value: string | undefined): CacheDirectives {
  const text = value ?? "";
  let parsed = parsedMemo.get(text);
  if (parsed === undefined) {
    parsed = Object.freeze(parseUncached(text));
    if (parsedMemo.size >= PARSED_MEMO_ENTRIES_MAX) parsedMemo.clear();
    parsedMemo.set(text, parsed);
  }
  return parsed;
}

function parseUncached(value: string): CacheDirectives {
  const map = new Map<string, string | undefined>();
  for (const part of (value ?? "").split(",")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    const name = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase();
    // RFC 9111 §4.2.1: when a directive appears twice with conflicting values, the first wins
    // here (the RFC allows treating it as stale; first-wins is what most caches do).
    if (!map.has(name)) map.set(name, eq < 0 ? undefined : trimmed.slice(eq + 1).trim());
  }
  const out: CacheDirectives = {
    noStore: map.has("no-store"),
    noCache: map.has("no-cache"),
    private: map.has("private"),
    public: map.has("public"),
    mustRevalidate: map.has("must-revalidate"),
    proxyRevalidate: map.has("proxy-revalidate"),
    maxAgeS: seconds(map.get("max-age")),
    sMaxAgeS: seconds(map.get("s-maxage")),
    staleWhileRevalidateS: seconds(map.get("stale-while-revalidate")),
    staleIfErrorS: seconds(map.get("stale-if-error")),
  };
  return out;
}

/**
 * RFC 9213 §2.1: a cache that honours a targeted field uses it instead of Cache-Control (and
 * Expires). Cloudflare reads `Cloudflare-CDN-Cache-Control` first, then `CDN-Cache-Control`.
 */
export function effectiveDirectives(headers: Readonly<Record<string, string>>): { directives: CacheDirectives; targeted: boolean } {
  const cf = headers["cloudflare-cdn-cache-control"];
  if (cf !== undefined) return { directives: parseCacheControl(cf), targeted: true };
  const cdn = headers["cdn-cache-control"];
  if (cdn !== undefined) return { directives: parseCacheControl(cdn), targeted: true };
  return { directives: parseCacheControl(headers["cache-control"]), targeted: false };
}

/**
 * `effectiveDirectives(headers).directives` as a frozen object shared with every other response
 * whose field has the same value: what a cache keeps with each stored entry, where a copy per
 * entry would only cost memory.
 */
export function sharedEffectiveDirectives(headers: Readonly<Record<string, string>>): CacheDirectives {
  const cf = headers["cloudflare-cdn-cache-control"];
  if (cf !== undefined) return sharedParse(cf);
  const cdn = headers["cdn-cache-control"];
  if (cdn !== undefined) return sharedParse(cdn);
  return sharedParse(headers["cache-control"]);
}
