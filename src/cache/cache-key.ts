export interface CacheKeyOptions {
  /** Drop the query string (Cloudflare's "Ignore query string"). @defaultValue false */
  readonly ignoreQueryString?: boolean;
  /** Sort query parameters so `?a=1&b=2` and `?b=2&a=1` share an entry. @defaultValue false */
  readonly sortQueryString?: boolean;
  /** Include the scheme (Cloudflare's default key does). @defaultValue true */
  readonly includeScheme?: boolean;
}

// An absolute URL already in the form the default key would produce.
const NORMAL_URL = /^https?:\/\/[a-z0-9.-]+(?::\d+)?\/[A-Za-z0-9\-._~\/]*(?:\?[A-Za-z0-9\-._~=&%+]*)?$/;

/** The primary cache key (RFC 9111 §2): scheme, host, path and query, per the options. */
export function cacheKey(url: string, options: CacheKeyOptions = {}): string {
  // Fast path for the default key on an already-normal URL (the common case by far).
  if (!options.sortQueryString && !options.ignoreQueryString && options.includeScheme !== false && NORMAL_URL.test(url) && !url.includes("/.")) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let query = "";
  if (!options.ignoreQueryString && u.search !== "") {
    query = options.sortQueryString ? `?${[...u.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}` : u.search;
  }
  const scheme = options.includeScheme === false ? "" : `${u.protocol}//`;
  return `${scheme}${u.host.toLowerCase()}${u.pathname}${query}`;
}

/** Field names listed in Vary, lower-cased. */
export function varyNames(vary: string | undefined): string[] {
  if (vary === undefined || vary === "") return [];
  return vary
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
}

/** RFC 9111 §4.1: values compared after whitespace normalisation. */
export function normalizeVaryValue(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.trim().replace(/\s*,\s*/g, ",").replace(/\s+/g, " ");
}

export function varySecondaryKey(names: readonly string[], headers: Readonly<Record<string, string>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = normalizeVaryValue(headers[n]);
  return out;
}
