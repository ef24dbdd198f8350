import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSummary } from "../../book/lib/summary.js";
import { fact } from "../../src/facts/index.js";
import { factReferences, referenceProblems, SOURCES_BEGIN, withSources } from "../../src/facts/markdown.js";
import { loadCatalog, REPO_ROOT } from "../../src/kata/index.js";
import { ALLOWED } from "./allowed-numbers.js";
import { findUnsourcedNumbers } from "./unsourced-numbers.js";

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), "utf8");
/** The text with every run of whitespace as one space, so a check does not depend on line wrapping. */
const flat = (path: string): string => read(path).replace(/\s+/g, " ");
const chapters = parseSummary(join(REPO_ROOT, "book", "SUMMARY.md")).map((c) => `book/${c.source}`);
const katas = loadCatalog(REPO_ROOT).map((k) => k.id);
const answers = katas.map((k) => `solutions/${k}/ANSWER.md`);
const readmes = katas.map((k) => `katas/${k}/README.md`);
const prose = [...chapters, ...answers, ...readmes];

describe("Cloudflare figures in the book, the answers and the kata READMEs", () => {
  it("every kata has a model answer", () => {
    for (const answer of answers) expect(existsSync(join(REPO_ROOT, answer)), answer).toBe(true);
  });

  it.each(prose)("%s states no Cloudflare figure that does not come from src/facts", (file) => {
    const findings = findUnsourcedNumbers(read(file), file, ALLOWED);
    const report = findings.map((f) => `  ${f.quantity}  in: ${f.sentence.slice(0, 160)}`).join("\n");
    expect(findings, `write these as {{fact:…}} / [words][fact.id] (or say they were measured here):\n${report}`).toEqual([]);
  });

  it("every allow-list entry is still needed and names a reason", () => {
    for (const entry of ALLOWED) {
      expect(entry.reason.length, entry.text).toBeGreaterThan(10);
      expect(existsSync(join(REPO_ROOT, entry.file)), entry.file).toBe(true);
      const without = findUnsourcedNumbers(read(entry.file), entry.file).length;
      const withEntry = findUnsourcedNumbers(read(entry.file), entry.file, [entry]).length;
      expect(withEntry, `${entry.file}: "${entry.text}" matches nothing any more; remove it`).toBeLessThan(without);
    }
  });

  it.each([...answers, ...readmes, ...chapters])("%s: every [words][id] names a registry entry with its exact words", (file) => {
    expect(referenceProblems(read(file), file)).toEqual([]);
  });

  it.each([...answers, ...readmes].filter((f) => read(f).includes(SOURCES_BEGIN)))("%s: the Sources block is up to date (npm run figures)", (file) => {
    const text = read(file);
    expect(withSources(text), `run npm run figures to refresh ${file}`).toBe(text);
  });
});

describe("the model answers fit the room", () => {
  it.each(answers)("%s opens with the answer in the room and three sourced numbers, then goes deeper, then its sources", (file) => {
    const text = read(file);
    const room = text.indexOf("## The answer in the room");
    const deeper = text.indexOf("## Going deeper");
    const sources = text.indexOf("## Sources");
    expect(room, "an '## The answer in the room' section").toBeGreaterThan(0);
    expect(deeper, "'## Going deeper' after it").toBeGreaterThan(room);
    expect(sources, "'## Sources' last").toBeGreaterThan(deeper);
    expect(text.indexOf(SOURCES_BEGIN)).toBeGreaterThan(sources);
    const inRoom = text.slice(room, deeper);
    if (file.includes("q0-")) return; // the warm-up quotes no Cloudflare figure it needs
    const three = /\*\*Three numbers worth quoting:\*\*\n((?:- .*\n(?: {2}.*\n)*){3})/.exec(inRoom);
    expect(three, "a list of three numbers worth quoting").not.toBeNull();
    for (const item of three![1]!.split(/\n(?=- )/)) expect(factReferences(item).length, `sourced: ${item}`).toBeGreaterThan(0);
  });

  it.each(answers.filter((f) => read(f).includes("<!-- figures:begin -->")))("%s labels the platform's measurements as its own", (file) => {
    const text = read(file);
    const deeper = text.slice(text.indexOf("## Going deeper"));
    expect(deeper).toMatch(/### Measured on this platform \((simulation|this project's machine|simulation and this machine)[^)]*not Cloudflare's[^)]*\)/);
    expect(text.indexOf("<!-- figures:begin -->"), "measurements only under 'Going deeper'").toBeGreaterThan(text.indexOf("## Going deeper"));
  });

  it("Q2 describes KV as pull-through caching and names write costs, SQLite storage, alarms, hibernation and the per-object limit", () => {
    const q2 = flat("solutions/q2-kv-vs-do/ANSWER.md");
    for (const needle of ["nothing is pushed", "\"not found\" included", "*usually* sees its own write", "[$5.00 per million writes][kv.writeUsdPerMillion]", "SQLite backend", "[2 MB][do.sqlite.keyValueBytesMax] and [10 GB][do.sqlite.storageBytesPerObjectMax] per object", "[128 KiB][do.kv.valueBytesMax]", "[alarms][cf-do-alarms]", "WebSocket hibernation", "[1,000 requests per second][do.requestsPerSecondSoftMax]"]) {
      expect(q2).toContain(needle);
    }
    // The additive model (a propagation delay, then cacheTtl on top) is what issue 26 corrected.
    expect(q2).not.toMatch(/propagation \+ `?cacheTtl|below ~?90 s/);
  });

  it("Q1 names the Workers binding, the single-object anti-pattern, locationHint and the per-object limit", () => {
    const q1 = flat("solutions/q1-rate-limiter/ANSWER.md");
    for (const needle of ["[Workers Rate Limiting binding][cf-workers-rate-limit-binding]", "[anti-pattern][cf-do-rate-limiter-example]", "locationHint", "[1,000 requests per second][do.requestsPerSecondSoftMax]", "mitigation timeout", "1,300 requests per second"]) {
      expect(q1).toContain(needle);
    }
  });

  it("Q4 names Cloudflare's pipeline, layer-7 floods, all three Gao-Rexford conditions and the current record", () => {
    const q4 = flat("solutions/q4-anycast-ddos/ANSWER.md");
    for (const needle of ["XDP", "l4drop", "dosd", "no scrubbing centres", "Layer-7 floods", "no cycle in the customer–provider hierarchy", `[${fact("ddos.recordTbps").display}][ddos.recordTbps]`]) {
      expect(q4).toContain(needle);
    }
  });

  it("Q3 labels the bare-isolate time as this project's measurement, in the answer and the chapter", () => {
    const room = (text: string): string => text.slice(0, text.indexOf("## Going deeper") === -1 ? undefined : text.indexOf("## Going deeper"));
    const q3 = room(flat("solutions/q3-isolates/ANSWER.md"));
    expect(q3).toContain("this project measured 1.0 ms p50 for that step with isolated-vm");
    expect(q3).toContain("its own measurement, not Cloudflare's");
    expect(flat("book/chapters/q3-isolates.md")).toContain("its own figure and not Cloudflare's");
    for (const text of [q3, flat("book/chapters/q3-isolates.md")]) expect(text).not.toMatch(/"Under 1 ms" (?:is the bare-isolate part|holds for a bare isolate)/);
  });

  it("Q5 names API Shield, Access and its header with rotating keys, and a JWKS cache shared beyond one isolate", () => {
    const q5 = flat("solutions/q5-edge-jwt/ANSWER.md");
    for (const needle of ["[API Shield JWT validation][cf-api-shield-jwt]", "`Cf-Access-Jwt-Assertion`", "[6 weeks][access.keyRotationWeeks]", "multiplies issuer fetches by the number of isolates", "[Cache API][cf-workers-cache-api]"]) {
      expect(q5).toContain(needle);
    }
  });
});

describe("the figures the chapters and scripts take from the registry", () => {
  it("the book has no chapter file that SUMMARY.md does not list, so the check above sees them all", () => {
    const listed = new Set(chapters);
    for (const f of readdirSync(join(REPO_ROOT, "book", "chapters"))) expect(listed.has(`book/chapters/${f}`), f).toBe(true);
  });
});
