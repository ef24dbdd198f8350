/**
 * HTTP-date (RFC 9110 §5.6.7). The cache treats `Clock.nowMs()` as milliseconds since the
 * Unix epoch, so virtual clocks should start at a realistic instant.
 */
export function formatHttpDate(epochMs: number): string {
  // Virtual time crosses a second boundary every few thousand requests: remember the last one.
  const second = Math.floor(epochMs / 1000);
  if (second !== lastFormattedSecond) {
    lastFormatted = new Date(second * 1000).toUTCString();
    lastFormattedSecond = second;
  }
  return lastFormatted;
}

let lastFormattedSecond = Number.NaN;
let lastFormatted = "";

/** Parses IMF-fixdate and the obsolete forms `Date.parse` accepts; null when invalid. */
export function parseHttpDate(text: string | undefined): number | null {
  if (text === undefined) return null;
  // Stored responses carry one Date per second of (virtual) time: remember recent ones. Only
  // dates in GMT are remembered, whose value cannot depend on the process's time zone.
  let parsed = parsedDates.get(text);
  if (parsed === undefined) {
    const ms = text.trim() === "" ? null : Date.parse(text);
    parsed = ms !== null && Number.isFinite(ms) ? ms : null;
    if (!text.endsWith("GMT")) return parsed;
    if (parsedDates.size >= PARSED_DATES_MAX) parsedDates.clear();
    parsedDates.set(text, parsed);
  }
  return parsed;
}

const PARSED_DATES_MAX = 256;
const parsedDates = new Map<string, number | null>();
