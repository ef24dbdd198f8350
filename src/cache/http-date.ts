/**
 * HTTP-date (RFC 9110 §5.6.7). The cache treats `Clock.nowMs()` as milliseconds since the
 * Unix epoch, so virtual clocks should start at a realistic instant.
 */
export function formatHttpDate(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toUTCString();
}

/** Parses IMF-fixdate and the obsolete forms `Date.parse` accepts; null when invalid. */
export function parseHttpDate(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}
