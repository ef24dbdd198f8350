import { slugify } from "./markdown.js";

export interface SearchEntry {
  chapter: string;
  title: string;
  url: string;
  text: string;
}

/** One entry per section (h1–h3) of a chapter's expanded markdown, as plain text. */
export function indexChapter(chapterTitle: string, output: string, markdown: string): SearchEntry[] {
  const entries: SearchEntry[] = [];
  let current: SearchEntry = { chapter: chapterTitle, title: chapterTitle, url: output, text: "" };
  const used = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^(```|~~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,3})\s+(.+)$/.exec(line);
    if (heading) {
      if (current.text.trim() !== "") entries.push(current);
      const title = heading[2]!.replace(/[`*_]/g, "");
      const base = slugify(title);
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      const id = n === 0 ? base : `${base}-${n}`;
      current = { chapter: chapterTitle, title, url: `${output}#${id}`, text: "" };
      continue;
    }
    if (!inFence && /^:{3,}/.test(line)) continue; // a box's fence (`::: hint ...`), not text
    current.text += ` ${line.replace(/<[^>]+>/g, " ").replace(/[`*_>#|]/g, " ")}`;
  }
  entries.push(current);
  return entries
    .map((e) => ({ ...e, text: e.text.replace(/\s+/g, " ").trim() }))
    .filter((e) => e.text !== "" || e.title !== "");
}
