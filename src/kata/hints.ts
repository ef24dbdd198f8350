import { readFileSync } from "node:fs";

/**
 * Progressive hints live in each kata's README, under the level's heading:
 *
 *   ## Level 2 · Sliding log
 *   …
 *   ### Hints
 *   1. First, gentle hint.
 *   2. A stronger one.
 *
 * so the README a learner reads and `npm run kata -- hint` never disagree.
 */
export function parseHints(readme: string): Map<number, string[]> {
  const hints = new Map<number, string[]>();
  let level: number | undefined;
  let inHints = false;
  let current: string[] | undefined;
  for (const line of readme.split(/\r?\n/)) {
    const levelHeading = /^##\s+Level\s+(\d+)\b/.exec(line);
    if (levelHeading) {
      level = Number(levelHeading[1]);
      inHints = false;
      continue;
    }
    if (/^#{1,2}\s/.test(line)) {
      level = undefined;
      inHints = false;
      continue;
    }
    if (/^###\s/.test(line)) {
      inHints = level !== undefined && /^###\s+Hints\b/i.test(line);
      continue;
    }
    if (!inHints || level === undefined) continue;
    const item = /^\d+\.\s+(.*)$/.exec(line);
    if (item) {
      current = hints.get(level) ?? [];
      hints.set(level, current);
      current.push(item[1] ?? "");
    } else if (line.trim() !== "" && current !== undefined && current.length > 0 && /^\s/.test(line)) {
      current[current.length - 1] += ` ${line.trim()}`;
    }
  }
  return hints;
}

export function hintsFor(readmePath: string, level: number): string[] {
  return parseHints(readFileSync(readmePath, "utf8")).get(level) ?? [];
}
