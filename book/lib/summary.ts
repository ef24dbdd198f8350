import { readFileSync } from "node:fs";

export interface ChapterRef {
  title: string;
  /** Path of the markdown source relative to book/, e.g. "chapters/anycast.md". */
  source: string;
  /** Output file name, e.g. "anycast.html". */
  output: string;
  part: string;
}

/**
 * Reads book/SUMMARY.md (mdBook's format): `# Part` headings and `- [Title](chapters/x.md)`
 * items. The order there is the reading order, the sidebar and the prev/next links.
 */
export function parseSummary(path: string): ChapterRef[] {
  const chapters: ChapterRef[] = [];
  let part = "";
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const heading = /^#\s+(.+)$/.exec(line);
    if (heading) {
      part = heading[1]!.trim();
      continue;
    }
    const item = /^\s*[-*]\s+\[([^\]]+)\]\(([^)]+\.md)\)/.exec(line);
    if (!item) continue;
    const source = item[2]!;
    const base = source.split("/").pop()!.replace(/\.md$/, "");
    chapters.push({ title: item[1]!, source, output: base === "introduction" ? "index.html" : `${base}.html`, part });
  }
  const outputs = new Set<string>();
  for (const c of chapters) {
    if (outputs.has(c.output)) throw new Error(`SUMMARY.md: two chapters render to ${c.output}`);
    outputs.add(c.output);
  }
  return chapters;
}
