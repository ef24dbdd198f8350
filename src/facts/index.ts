/**
 * One registry of the Cloudflare facts this project uses: every limit, default, published
 * measurement and date that the platform enforces or the book and the model answers quote,
 * each with its value, unit, source address and the date it was checked.
 *
 * - `src/` imports limits from here (`fact("kv.keyBytesMax").value`), keeping its own named
 *   constants so callers never change.
 * - The book prints a fact with `{{fact:kv.cacheTtlMinSeconds}}` (the display words, linked to
 *   the source) and cites a source with `{{cite:cf-blog-7-3-tbps}}`; `{{#references}}` renders
 *   the References chapter from `SOURCES`.
 * - Markdown read as plain files (solutions' ANSWER.md, kata READMEs) writes the display words
 *   as a reference link, `[30 s][kv.cacheTtlMinSeconds]`, and ends with a generated Sources
 *   block holding the link definitions (`npm run figures` rewrites it).
 * - `test/facts/` checks that every display means its value, every reference is known, and
 *   that no Cloudflare figure is stated in the book or an answer without coming from here.
 *
 * Pure data and pure functions: safe to bundle for the browser.
 */
import { AUTH_FACTS } from "./auth.js";
import { DURABLE_OBJECT_FACTS } from "./durable-objects.js";
import { KV_FACTS } from "./kv.js";
import { NETWORK_FACTS } from "./network.js";
import { RATE_LIMITING_FACTS } from "./rate-limiting.js";
import { SOURCES, type SourceId } from "./sources.js";
import type { FactSpec, SourceSpec } from "./types.js";
import { WORKERS_FACTS } from "./workers.js";

export { SOURCES, type SourceId } from "./sources.js";
export { parseDisplay } from "./quantity.js";
export { CHECKED_2026_12_07, type FactSpec, type SourceSpec, type Status, type Topic, type Unit } from "./types.js";

export const FACTS = {
  ...WORKERS_FACTS,
  ...KV_FACTS,
  ...DURABLE_OBJECT_FACTS,
  ...RATE_LIMITING_FACTS,
  ...NETWORK_FACTS,
  ...AUTH_FACTS,
} as const;

export type FactId = keyof typeof FACTS;

/** The fact named `id`, typed so `fact("kv.keyBytesMax").value` is the literal figure. */
export function fact<K extends FactId>(id: K): (typeof FACTS)[K] {
  return FACTS[id];
}

export function isFactId(id: string): id is FactId {
  return Object.hasOwn(FACTS, id);
}

export function isSourceId(id: string): id is SourceId {
  return Object.hasOwn(SOURCES, id);
}

/** A fact's address: its source's URL plus the fact's anchor, when it has one. */
export function factUrl(id: FactId): string {
  const f: FactSpec = FACTS[id];
  return SOURCES[f.source as SourceId].url + (f.anchor ?? "");
}

/** "Cloudflare blog, 2025" — who published a source and when, for citations. */
export function sourceByline(id: SourceId): string {
  const s: SourceSpec = SOURCES[id];
  return s.published ? `${s.publisher}, ${s.published.slice(0, 4)}` : s.publisher;
}
