import type { Unit } from "./types.js";

// Words a display may use, with their size in the fact's base unit. Cloudflare's pages write
// KB/MB/GB for sizes and the platform has always read them as powers of 1024, so they are
// read that way here too, unless a fact says its source counts in powers of 1000.
const TIME_MS: Record<string, number> = { ms: 1, s: 1000, second: 1000, seconds: 1000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000 };
const SIZE_BYTES: Record<string, number> = {
  byte: 1,
  bytes: 1,
  B: 1,
  KB: 1024,
  KiB: 1024,
  MB: 1024 ** 2,
  MiB: 1024 ** 2,
  GB: 1024 ** 3,
  GiB: 1024 ** 3,
};

const SIZE_BYTES_DECIMAL: Record<string, number> = { ...SIZE_BYTES, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 };

/** How many of `unit` one display word is worth, when the two are of one family. */
function scale(word: string, unit: Unit, sizes: "binary" | "decimal"): number | undefined {
  if (unit === "ms" && word in TIME_MS) return TIME_MS[word];
  if (unit === "s" && word in TIME_MS) return TIME_MS[word]! / 1000;
  const table = sizes === "decimal" ? SIZE_BYTES_DECIMAL : SIZE_BYTES;
  if (unit === "bytes" && word in table) return table[word];
  if (unit === "MB" && word === "MB") return 1;
  return undefined;
}

/** The number at the start of `text` ("1,024", "0.003", "AS13335" → 13335), or undefined. */
function leadingNumber(text: string): { n: number; rest: string } | undefined {
  const m = /^[^\d]*?(\d[\d,]*(?:\.\d+)?)\s*(?:million\b)?\s*(.*)$/.exec(text.trim());
  if (!m) return undefined;
  const million = /\d\s*million\b/.test(text);
  return { n: Number(m[1]!.replace(/,/g, "")) * (million ? 1_000_000 : 1), rest: m[2] ?? "" };
}

/**
 * What a display string says, in `unit`: "1 s" in ms is 1000, "25 MiB" in bytes is 26214400,
 * "10 or 60 s" in s is [10, 60]. Undefined when the words do not fit the unit, so a test can
 * reject a display that says something other than the value it shows.
 */
export function parseDisplay(display: string, unit: Unit, sizes: "binary" | "decimal" = "binary"): number[] | undefined {
  const parts = display.split(/,\s+(?=\d)|\s+or\s+/);
  const unitWord = /([A-Za-z%]+)\s*$/.exec(display)?.[1] ?? "";
  const out: number[] = [];
  for (const part of parts) {
    const parsed = leadingNumber(part);
    if (!parsed) return undefined;
    const word = (/^([A-Za-z%]+)/.exec(parsed.rest)?.[1] ?? unitWord) || unitWord;
    if (unit === "percent") {
      if (!display.endsWith("%")) return undefined;
      out.push(parsed.n);
      continue;
    }
    const k = scale(word, unit, sizes);
    if (k !== undefined) out.push(parsed.n * k);
    else if (unit === "ms" || unit === "s" || unit === "bytes" || unit === "MB") return undefined;
    else out.push(parsed.n);
  }
  return out;
}
