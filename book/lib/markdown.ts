import MarkdownIt, { type MarkdownIt as MarkdownItInstance, type RendererRule } from "markdown-it";
import anchor from "markdown-it-anchor";
import container from "markdown-it-container";
import hljs from "highlight.js";
import { factsPlugin } from "./facts.js";

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/[^a-z0-9\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * markdown-it with heading anchors, syntax highlighting, facts from the registry
 * (`{{fact:id}}`, `{{cite:id}}`, see facts.ts), and three boxes:
 * `::: hint`, `::: warning` (callouts) and `::: spoiler Title` (a <details> closed by default),
 * and `::: step Title`, one collapsed hint inside a `:::: hint` box.
 * `chapterLinks` maps a chapter's markdown file name to its HTML page, so authors link
 * chapters as `[text](anycast.md)`.
 */
export function createMarkdown(chapterLinks: Map<string, string>): MarkdownItInstance {
  const md: MarkdownItInstance = new MarkdownIt({
    html: true,
    linkify: false,
    typographer: true,
    highlight: (code, lang) => {
      const language = lang === "ts" ? "typescript" : lang;
      if (language && hljs.getLanguage(language)) {
        return `<pre class="hljs"><code class="language-${language}">${hljs.highlight(code, { language, ignoreIllegals: true }).value}</code></pre>`;
      }
      return `<pre class="hljs"><code>${escapeHtml(code)}</code></pre>`;
    },
  });
  md.use(anchor, { slugify, permalink: anchor.permalink.headerLink() });
  md.use(factsPlugin);
  for (const kind of ["hint", "warning", "note"]) {
    md.use(container, kind, {
      render: (tokens: Array<{ nesting: number; info: string }>, idx: number) => {
        const token = tokens[idx]!;
        if (token.nesting !== 1) return "</div>\n";
        const title = token.info.trim().slice(kind.length).trim() || kind[0]!.toUpperCase() + kind.slice(1);
        return `<div class="callout callout-${kind}"><p class="callout-title">${escapeHtml(title)}</p>\n`;
      },
    });
  }
  md.use(container, "spoiler", {
    render: (tokens: Array<{ nesting: number; info: string }>, idx: number) => {
      const token = tokens[idx]!;
      if (token.nesting !== 1) return "</div></details>\n";
      const title = token.info.trim().slice("spoiler".length).trim() || "Show the answer";
      return `<details class="spoiler"><summary>${escapeHtml(title)}</summary><div class="spoiler-body">\n`;
    },
  });
  // One hint, collapsed: `::: step Hint 1 of 3` inside a `:::: hint` box (book.js reveals
  // the next one only after this one is opened, as `npm run kata -- hint` does).
  md.use(container, "step", {
    render: (tokens: Array<{ nesting: number; info: string }>, idx: number) => {
      const token = tokens[idx]!;
      if (token.nesting !== 1) return "</div></details>\n";
      const title = token.info.trim().slice("step".length).trim() || "Hint";
      return `<details class="hint-step"><summary>${escapeHtml(title)}</summary><div class="hint-body">\n`;
    },
  });
  const defaultLinkOpen = md.renderer.rules.link_open;
  const linkOpen: RendererRule = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet("href") ?? "");
    const match = /^(?:\.\/)?([\w-]+)\.md(#.*)?$/.exec(href);
    if (match) {
      const target = chapterLinks.get(`${match[1]}.md`);
      if (target) token.attrSet("href", `${target}${match[2] ?? ""}`);
    }
    return defaultLinkOpen ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  md.renderer.rules.link_open = linkOpen;
  return md;
}
