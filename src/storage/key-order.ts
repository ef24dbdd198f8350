import type { ListRange } from "./storage-engine.js";

/**
 * Compares strings by Unicode code point, which is the same order as their UTF-8 bytes. SQLite's
 * BINARY collation compares UTF-8 bytes, so the in-memory engine must sort the same way or the
 * two engines would list keys differently (JavaScript's `<` compares UTF-16 code units, which
 * puts U+E000..U+FFFF after astral characters).
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const surrogateA = ca >= 0xd800 && ca <= 0xdfff;
    const surrogateB = cb >= 0xd800 && cb <= 0xdfff;
    // A surrogate (an astral code point) outranks every BMP unit except another surrogate.
    if (surrogateA !== surrogateB) return surrogateA ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** Whether `key` lies inside `range` (ignoring `limit` and `reverse`). */
export function inRange(key: string, range: ListRange): boolean {
  if (range.prefix !== undefined && !key.startsWith(range.prefix)) return false;
  if (range.start !== undefined && compareKeys(key, range.start) < 0) return false;
  if (range.startAfter !== undefined && compareKeys(key, range.startAfter) <= 0) return false;
  // Cloudflare: `end` is exclusive.
  if (range.end !== undefined && compareKeys(key, range.end) >= 0) return false;
  return true;
}

/** Sorts, filters and limits entries the way `storage.list(range)` returns them. */
export function selectRange<V>(entries: Iterable<[string, V]>, range: ListRange): Array<[string, V]> {
  const selected = [...entries].filter(([key]) => inRange(key, range));
  selected.sort(([a], [b]) => compareKeys(a, b));
  if (range.reverse === true) selected.reverse();
  return range.limit === undefined ? selected : selected.slice(0, range.limit);
}
