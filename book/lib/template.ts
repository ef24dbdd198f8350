import type { ChapterRef } from "./summary.js";

export interface PageInput {
  chapter: ChapterRef;
  chapters: readonly ChapterRef[];
  bodyHtml: string;
  title: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function sidebar(chapters: readonly ChapterRef[], current: ChapterRef): string {
  const parts: string[] = [];
  let part: string | undefined;
  for (const c of chapters) {
    if (c.part !== part) {
      if (part !== undefined) parts.push("</ol>");
      part = c.part;
      if (part) parts.push(`<p class="toc-part">${escapeHtml(part)}</p>`);
      parts.push("<ol>");
    }
    const active = c === current ? ' class="active" aria-current="page"' : "";
    parts.push(`<li><a href="${c.output}"${active}>${escapeHtml(c.title)}</a></li>`);
  }
  parts.push("</ol>");
  return parts.join("\n");
}

/** One static page: sidebar (a menu on phones), search, theme toggle, the chapter, previous/next links. */
export function renderPage(input: PageInput): string {
  const i = input.chapters.indexOf(input.chapter);
  const prev = input.chapters[i - 1];
  const next = input.chapters[i + 1];
  const nav = [
    prev ? `<a class="prev" rel="prev" href="${prev.output}">← ${escapeHtml(prev.title)}</a>` : "<span></span>",
    next ? `<a class="next" rel="next" href="${next.output}">${escapeHtml(next.title)} →</a>` : "<span></span>",
  ].join("");
  return `<!doctype html>
<html lang="en" data-theme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(input.title)} · edge-kata</title>
<link rel="stylesheet" href="assets/book.css">
<link rel="stylesheet" href="assets/hljs-light.css" media="(prefers-color-scheme: light)" id="hljs-light">
<link rel="stylesheet" href="assets/hljs-dark.css" id="hljs-dark" disabled>
<script src="assets/theme.js"></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="topbar">
  <button id="menu-toggle" type="button" aria-label="Table of contents" aria-controls="sidebar" aria-expanded="false">☰</button>
  <a class="brand" href="index.html">edge-kata</a>
  <input id="search" type="search" placeholder="Search the book…" aria-label="Search the book" autocomplete="off">
  <button id="theme-toggle" type="button" aria-label="Toggle dark theme">◐</button>
</header>
<div id="search-results" hidden></div>
<div class="layout">
<nav class="sidebar" id="sidebar" aria-label="Table of contents">
${sidebar(input.chapters, input.chapter)}
</nav>
<main id="content">
${input.bodyHtml}
<nav class="pager" aria-label="Previous and next chapter">${nav}</nav>
</main>
</div>
<script src="search-index.js"></script>
<script src="assets/book.js"></script>
</body>
</html>
`;
}
