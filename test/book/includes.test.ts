import { describe, expect, it } from "vitest";
import { BookBuildError, expandDirectives, extractRegion } from "../../book/lib/includes.js";
import { REPO_ROOT } from "../../src/kata/index.js";
import { indexChapter } from "../../book/lib/search-index.js";

const ctx = { root: REPO_ROOT, from: "test.md", resolve: (kind: string, arg: string) => `[${kind}:${arg}]` };

describe("book code includes", () => {
  it("pulls a named region without its marker lines, dedented", () => {
    const { code, lang, path } = extractRegion(REPO_ROOT, "src/sim/rng.ts#fork", "t.md");
    expect(path).toBe("src/sim/rng.ts");
    expect(lang).toBe("ts");
    expect(code.startsWith("/** An independent stream")).toBe(true);
    expect(code).toContain("fork(name: string): Rng {");
    expect(code).not.toContain("ANCHOR");
  });

  it("fails the build when the file or the region is missing", () => {
    expect(() => extractRegion(REPO_ROOT, "src/sim/no-such-file.ts", "t.md")).toThrow(BookBuildError);
    expect(() => extractRegion(REPO_ROOT, "src/sim/rng.ts#no-such-region", "t.md")).toThrow(/no region "no-such-region"/);
    expect(() => extractRegion(REPO_ROOT, "../etc/passwd", "t.md")).toThrow(/must point into/);
  });

  it("expands include directives to fenced code and hands others to the caller", () => {
    const out = expandDirectives("a {{#include src/sim/rng.ts#fork}} b {{#figure pop-map World}}", ctx);
    expect(out).toContain("```ts\n/** An independent stream");
    expect(out).toContain("[figure:pop-map World]");
  });

  it("indexes each section with the anchor markdown-it-anchor gives it", () => {
    const entries = indexChapter("Ch", "ch.html", "# Title\nintro\n## Same\none\n## Same\ntwo\n```\n# not a heading\n```");
    expect(entries.map((e) => e.url)).toEqual(["ch.html#title", "ch.html#same", "ch.html#same-1"]);
    expect(entries[2]!.text).toContain("two");
    expect(entries[2]!.text).toContain("not a heading");
  });
});
