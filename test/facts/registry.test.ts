import { describe, expect, it } from "vitest";
import { FACTS, factUrl, isFactId, isSourceId, parseDisplay, SOURCES, type FactId, type FactSpec, type SourceSpec } from "../../src/facts/index.js";

const facts = Object.entries(FACTS) as Array<[FactId, FactSpec]>;
const sources = Object.entries(SOURCES) as Array<[string, SourceSpec]>;

describe("the facts registry", () => {
  it.each(facts)("%s: the display words mean exactly the value in its unit", (_id, f) => {
    const values = Array.isArray(f.value) ? f.value : [f.value];
    expect(parseDisplay(f.display, f.unit, f.sizes)).toEqual(values);
  });

  it("rejects a display that says another figure or another unit", () => {
    expect(parseDisplay("400 ms", "ms")).toEqual([400]);
    expect(parseDisplay("1 s", "ms")).toEqual([1000]);
    expect(parseDisplay("1 s", "ms")).not.toEqual([400]);
    expect(parseDisplay("25 MiB", "bytes")).toEqual([25 * 1024 * 1024]);
    expect(parseDisplay("30 s", "bytes")).toBeUndefined();
    expect(parseDisplay("2 MB", "bytes")).toEqual([2 * 1024 * 1024]);
    expect(parseDisplay("2 MB", "bytes", "decimal")).toEqual([2_000_000]);
    expect(parseDisplay("10 GB", "bytes", "decimal")).toEqual([10_000_000_000]);
    expect(parseDisplay("128 KiB", "ms")).toBeUndefined();
    expect(parseDisplay("1,000 requests per second", "requests/s")).toEqual([1000]);
    expect(parseDisplay("10 or 60 s", "s")).toEqual([10, 60]);
    expect(parseDisplay("0.003", "percent")).toBeUndefined();
  });

  it.each(facts)("%s: names a known source, a check date and a reason when unverified", (id, f) => {
    expect(isSourceId(f.source), `${id} cites ${f.source}`).toBe(true);
    expect(f.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (f.status === "unverified") expect(f.note, `${id} says why it is unverified`).toBeTruthy();
    expect(f.claim.length).toBeGreaterThan(20);
    expect(factUrl(id)).toMatch(/^https:\/\//);
  });

  it.each(sources)("source %s: an https address, a check date, topics, and a reason when unverified", (_id, s) => {
    expect(s.url).toMatch(/^https:\/\/[^\s]+$/);
    expect(s.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (s.published !== undefined) expect(s.published).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
    expect(s.topics.length).toBeGreaterThan(0);
    if (s.status === "unverified") expect(s.note).toBeTruthy();
  });

  it("looks ids up without falling into the prototype chain", () => {
    for (const id of ["__proto__", "constructor", "toString", "", "kv", "kv.keyBytesMax "]) {
      expect(isFactId(id)).toBe(false);
      expect(isSourceId(id)).toBe(false);
    }
    expect(isFactId("kv.keyBytesMax")).toBe(true);
  });
});
