import { describe, expect, it } from "vitest";
import { plainFacts, referencesMarkdown, unknownInlineFacts } from "../../book/lib/facts.js";
import { createMarkdown } from "../../book/lib/markdown.js";
import { FACTS, fact, SOURCES } from "../../src/facts/index.js";
import { referenceDefinitions, sourcesBlock, withSources } from "../../src/facts/markdown.js";

const md = createMarkdown(new Map());

describe("facts in the book", () => {
  it("{{fact:id}} prints the display words, linked to the source, with the claim and check date", () => {
    const html = md.render("Start-up is capped at {{fact:workers.startupMsMax}}.");
    expect(html).toContain('<a class="fact" href="https://developers.cloudflare.com/changelog/2025-10-10-increased-startup-time/"');
    expect(html).toContain(">1 s</a>");
    expect(html).toContain("checked 2026-12-07");
  });

  it("{{cite:id}} prints the title linked, with publisher and year", () => {
    const html = md.render("See {{cite:cf-blog-quic-0rtt}}.");
    expect(html).toContain(`href="${SOURCES["cf-blog-quic-0rtt"].url}"`);
    expect(html).toContain("(Cloudflare blog, 2019)");
  });

  it("an unknown id stops the build; ids in code are left alone", () => {
    expect(() => md.render("{{fact:workers.noSuchLimit}}")).toThrow(/names nothing in src\/facts/);
    expect(() => md.render("{{fact:__proto__}}")).toThrow(/names nothing/);
    expect(md.render("`{{fact:workers.noSuchLimit}}`")).toContain("{{fact:workers.noSuchLimit}}");
    expect(unknownInlineFacts("{{fact:kv.keyBytesMax}} {{cite:nope}} {{fact:constructor}} `{{fact:x}}`")).toEqual(["{{cite:nope}}", "{{fact:constructor}}"]);
  });

  it("the search index sees the words a reader sees", () => {
    expect(plainFacts("KV keys are at most {{fact:kv.keyBytesMax}}.")).toBe("KV keys are at most 512 bytes.");
    expect(plainFacts("At most [512 bytes][kv.keyBytesMax] ([limits][cf-kv-limits]); [x][not.known] stays.")).toBe("At most 512 bytes (limits); [x][not.known] stays.");
  });

  it("[words][fact.id] links work once the definitions are appended", () => {
    const text = "A key is at most [512 bytes][kv.keyBytesMax]; see [the limits][cf-kv-limits].";
    const html = md.render(`${text}\n\n${referenceDefinitions(text)}\n`);
    expect(html).toContain('<a href="https://developers.cloudflare.com/kv/platform/limits/"');
    expect(html).not.toContain("[kv.keyBytesMax]");
  });

  it("the Sources block lists each source once, in order of use, with the figures it backs", () => {
    const text = "[1 s][workers.startupMsMax] and [400 ms][workers.startupMsMaxBefore2025]; [128 MB][workers.memoryMbMax].\n\n<!-- sources:begin -->\nold\n<!-- sources:end -->\n";
    const block = sourcesBlock(text);
    expect(block.split("\n").filter((l) => l.startsWith("- "))).toHaveLength(2);
    expect(block).toContain("Figures: 1 s; 400 ms.");
    expect(withSources(text)).not.toContain("old");
    expect(withSources(withSources(text))).toBe(withSources(text));
  });

  it("the References chapter lists every source, grouped by question, with its address", () => {
    const refs = referencesMarkdown();
    for (const s of Object.values(SOURCES)) expect(refs).toContain(`](${s.url})`);
    for (const heading of ["## Q1 · A global rate limiter", "## Q2 ·", "## Q3 ·", "## Q4 ·", "## Q5 ·"]) expect(refs).toContain(heading);
    expect(refs).toContain(`${Object.keys(FACTS).length} figures`);
    expect(refs).toContain(fact("ddos.recordTbps").display);
  });
});
