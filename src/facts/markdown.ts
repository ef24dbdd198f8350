/**
 * Facts in markdown that people read as plain files (solutions' ANSWER.md, kata READMEs). There
 * the book's `{{fact:id}}` would show as braces, so such files write the display words as a
 * reference link, `[30 s][kv.cacheTtlMinSeconds]` (or any words for a source,
 * `[API Shield][cf-api-shield-jwt]`), and end with a Sources block generated from the
 * registry: a list of the sources used and the link definitions that make the links work.
 */
import { FACTS, factUrl, isFactId, isSourceId, SOURCES, sourceByline, type FactId, type SourceId } from "./index.js";
import type { FactSpec, SourceSpec } from "./types.js";

export const SOURCES_BEGIN = "<!-- sources:begin -->";
export const SOURCES_END = "<!-- sources:end -->";

export interface FactReference {
  /** The words in the brackets. */
  readonly text: string;
  /** The label: a fact id or a source id (or anything else, which a check reports). */
  readonly id: string;
  /** 0-based line, for messages. */
  readonly line: number;
}

/** Removes fenced code blocks and inline code, keeping line breaks so line numbers hold. */
export function withoutCode(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, " "))
    .replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
}

/** Every `[text][label]` reference link outside code, in order. */
export function factReferences(markdown: string): FactReference[] {
  const out: FactReference[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((line, i) => {
      for (const m of line.matchAll(/\[([^\]\n]+)\]\[([^\]\n]+)\]/g)) out.push({ text: m[1]!, id: m[2]!, line: i });
    });
  return out;
}

/** What is wrong with the references of a file: unknown labels, or words that are not the fact's. */
export function referenceProblems(markdown: string, from: string): string[] {
  const problems: string[] = [];
  for (const r of factReferences(markdown)) {
    if (isFactId(r.id)) {
      const display = FACTS[r.id].display;
      if (r.text !== display) problems.push(`${from}:${r.line + 1}: [${r.text}][${r.id}] must read [${display}][${r.id}]`);
    } else if (!isSourceId(r.id)) {
      problems.push(`${from}:${r.line + 1}: [${r.text}][${r.id}] names no fact or source in src/facts`);
    }
  }
  return problems;
}

function escapeTitle(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, " ");
}

/** Link definitions for every fact or source label the markdown uses. */
export function referenceDefinitions(markdown: string): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of factReferences(markdown)) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    if (isFactId(r.id)) {
      const f: FactSpec = FACTS[r.id];
      lines.push(`[${r.id}]: ${factUrl(r.id)} "${escapeTitle(`${f.claim} (checked ${f.checked})`)}"`);
    } else if (isSourceId(r.id)) {
      const s: SourceSpec = SOURCES[r.id];
      lines.push(`[${r.id}]: ${s.url} "${escapeTitle(`${s.title} (${sourceByline(r.id)})`)}"`);
    }
  }
  return lines.join("\n");
}

/** The sources a markdown file relies on, in order of first use, with the facts taken from each. */
export function sourcesUsed(markdown: string): Array<{ id: SourceId; facts: FactId[] }> {
  const used = new Map<SourceId, FactId[]>();
  for (const r of factReferences(markdown)) {
    if (isFactId(r.id)) {
      const source = FACTS[r.id].source as SourceId;
      const facts = used.get(source) ?? [];
      if (!facts.includes(r.id)) facts.push(r.id);
      used.set(source, facts);
    } else if (isSourceId(r.id) && !used.has(r.id)) {
      used.set(r.id, []);
    }
  }
  return [...used].map(([id, facts]) => ({ id, facts }));
}

/** One line per source: title linked, publisher and year, check date, what it backs. */
export function sourceLine(id: SourceId, facts: readonly FactId[]): string {
  const s: SourceSpec = SOURCES[id];
  const backs = facts.length > 0 ? ` Figures: ${facts.map((f) => FACTS[f].display).join("; ")}.` : "";
  const status = s.status === "unverified" ? ` *Not fully verified: ${s.note}*` : "";
  return `- [${s.title}](${s.url}) — ${sourceByline(id)}; checked ${s.checked}.${backs}${status}`;
}

/** The generated content of a file's Sources block. */
export function sourcesBlock(markdown: string): string {
  const body = markdown.includes(SOURCES_BEGIN) ? markdown.slice(0, markdown.indexOf(SOURCES_BEGIN)) : markdown;
  const list = sourcesUsed(body).map(({ id, facts }) => sourceLine(id, facts));
  const definitions = referenceDefinitions(body);
  return [...list, "", definitions].join("\n").trim();
}

/** The file with its Sources block regenerated; a file without the markers is returned as is. */
export function withSources(markdown: string): string {
  const a = markdown.indexOf(SOURCES_BEGIN);
  const b = markdown.indexOf(SOURCES_END);
  if (a < 0 || b < a) return markdown;
  return `${markdown.slice(0, a + SOURCES_BEGIN.length)}\n${sourcesBlock(markdown)}\n${markdown.slice(b)}`;
}
