import type { MarkdownIt as MarkdownItInstance } from "markdown-it";
import { FACTS, factUrl, isFactId, isSourceId, SOURCES, sourceByline, type FactId, type FactSpec, type SourceId, type SourceSpec, type Topic } from "../../src/facts/index.js";
import { sourceLine, withoutCode } from "../../src/facts/markdown.js";

/**
 * The book's two inline facts syntaxes, rendered from the registry in src/facts:
 *
 *   {{fact:kv.cacheTtlMinSeconds}}   → 30 s, linked to the page it comes from
 *   {{cite:cf-blog-7-3-tbps}}        → “Defending the Internet: …” (Cloudflare blog, 2025), linked
 *
 * and `{{#references}}`, the References chapter built from every source the registry holds.
 */

const INLINE = /\{\{(fact|cite):([^}\s]*)\}\}/g;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function plainCode(text: string): string {
  // Claims mark code with backticks; a title attribute shows them as typed.
  return text.replace(/`/g, "");
}

export function renderFact(id: FactId): string {
  const f: FactSpec = FACTS[id];
  const s: SourceSpec = SOURCES[f.source as SourceId];
  const title = `${plainCode(f.claim)} (${s.title}, checked ${f.checked})`;
  return `<a class="fact" href="${escapeHtml(factUrl(id))}" title="${escapeHtml(title)}">${escapeHtml(f.display)}</a>`;
}

export function renderCite(id: SourceId): string {
  const s: SourceSpec = SOURCES[id];
  return `<a class="cite" href="${escapeHtml(s.url)}">“${escapeHtml(s.title)}”</a> (${escapeHtml(sourceByline(id))})`;
}

/** Ids in `{{fact:…}}` and `{{cite:…}}` (outside code) that the registry does not know. */
export function unknownInlineFacts(markdown: string): string[] {
  const bad: string[] = [];
  for (const m of withoutCode(markdown).matchAll(INLINE)) {
    const known = m[1] === "fact" ? isFactId(m[2]!) : isSourceId(m[2]!);
    if (!known) bad.push(m[0]);
  }
  return bad;
}

/**
 * The text a reader sees, for the search index: display words and titles instead of braces,
 * and the words of a `[words][fact.id]` reference without its label.
 */
export function plainFacts(markdown: string): string {
  return markdown
    .replace(INLINE, (whole, kind: string, id: string) => {
      if (kind === "fact" && isFactId(id)) return FACTS[id].display;
      if (kind === "cite" && isSourceId(id)) return `“${SOURCES[id].title}” (${sourceByline(id)})`;
      return whole;
    })
    .replace(/\[([^\]\n]+)\]\[([^\]\n]+)\]/g, (whole, text: string, id: string) => (isFactId(id) || isSourceId(id) ? text : whole));
}

/** markdown-it plugin for `{{fact:id}}` and `{{cite:id}}`; an unknown id is an error. */
export function factsPlugin(md: MarkdownItInstance): void {
  md.inline.ruler.before("emphasis", "fact_ref", (state, silent) => {
    if (state.src.charCodeAt(state.pos) !== 0x7b || state.src.charCodeAt(state.pos + 1) !== 0x7b) return false;
    const m = /^\{\{(fact|cite):([^}\s]*)\}\}/.exec(state.src.slice(state.pos));
    if (!m) return false;
    if (!silent) {
      const token = state.push("fact_ref", "", 0);
      token.meta = { kind: m[1], id: m[2] };
    }
    state.pos += m[0].length;
    return true;
  });
  md.renderer.rules.fact_ref = (tokens, idx) => {
    const { kind, id } = tokens[idx]!.meta as { kind: string; id: string };
    if (kind === "fact" && isFactId(id)) return renderFact(id);
    if (kind === "cite" && isSourceId(id)) return renderCite(id);
    throw new Error(`{{${kind}:${id}}} names nothing in src/facts`);
  };
}

const GROUPS: ReadonlyArray<[Topic, string]> = [
  ["q0", "Q0 · Warm-up"],
  ["q1", "Q1 · A global rate limiter"],
  ["q2", "Q2 · Workers KV or Durable Objects"],
  ["q3", "Q3 · Isolates vs containers"],
  ["q4", "Q4 · Anycast and DDoS resilience"],
  ["q5", "Q5 · Authentication at the edge"],
  ["platform", "The platform chapters: TLS, cache, WAF, request limits"],
  ["testing", "Testing, checking and tools"],
];

/** The References chapter's body: every source, grouped by question, with the figures it backs. */
export function referencesMarkdown(): string {
  const factsBySource = new Map<string, FactId[]>();
  for (const id of Object.keys(FACTS) as FactId[]) {
    const list = factsBySource.get(FACTS[id].source) ?? [];
    list.push(id);
    factsBySource.set(FACTS[id].source, list);
  }
  const ids = Object.keys(SOURCES) as SourceId[];
  const verified = ids.filter((id) => SOURCES[id].status === "verified").length;
  const factCount = Object.keys(FACTS).length;
  const out = [
    `${ids.length} sources, ${verified} of them checked against the page itself; ${factCount} figures taken from them. Each line gives the date it was last checked; "not fully verified" says what could not be confirmed and why. The same registry (\`src/facts\`) supplies every limit the platform enforces and every Cloudflare figure the book and the model answers quote.`,
  ];
  for (const [topic, heading] of GROUPS) {
    const inGroup = ids.filter((id) => (SOURCES[id].topics as readonly Topic[]).includes(topic));
    if (inGroup.length === 0) continue;
    out.push("", `## ${heading}`, "", ...inGroup.map((id) => sourceLine(id, factsBySource.get(id) ?? [])));
  }
  return out.join("\n");
}
