// The Workers API surface, enumerated inside a real isolate and compared with the members
// workerd declares (@cloudflare/workers-types, parsed by api-surface/checklist.ts). A class or
// member that goes missing from the runtime fails here by name.
import { afterAll, describe, expect, it } from "vitest";
import { Worker } from "../../../src/workers/index.js";
import { PLATFORM_EXTRA_CLASSES, PLATFORM_GLOBALS, WEB_PLATFORM_CLASSES, workersChecklist } from "./api-surface/checklist.js";
import { PROBE_SOURCE, probeSurface, tally } from "./api-surface/probe.js";

const worker = new Worker(PROBE_SOURCE, { name: "api-surface", cpuMsMax: 5_000 });
afterAll(() => worker.dispose());


describe("Workers API surface (checked against @cloudflare/workers-types)", () => {
  it("the checklist is read from the pinned typings and is not empty", () => {
    const checklist = workersChecklist();
    expect(checklist.version).toMatch(/^\d+\.\d{8}\.\d+$/);
    const request = checklist.classes.find((c) => c.name === "Request")!;
    expect(request.members).toEqual(expect.arrayContaining(["clone", "signal", "cf", "headers"]));
    expect(checklist.classes.find((c) => c.name === "Response")!.statics).toEqual(["error", "json", "redirect"]);
    expect(checklist.classes.find((c) => c.name === "SubtleCrypto")!.members).toContain("timingSafeEqual");
  });

  it("has every class and member of the web platform and WebCrypto classes", async () => {
    const coverage = await probeSurface(worker, workersChecklist());
    const missing = coverage.classes.filter((c) => (WEB_PLATFORM_CLASSES as readonly string[]).includes(c.name) && c.missing.length > 0).map((c) => `${c.name}: ${c.missing.join(", ")}`);
    expect(missing).toEqual([]);
    const { present, total } = tally(coverage, WEB_PLATFORM_CLASSES);
    expect(present).toBe(total);
    expect(total).toBeGreaterThan(250);
  });

  it("has every member of the Cache API classes, HTMLRewriter, WebSocket and WebSocketPair", async () => {
    const coverage = await probeSurface(worker, workersChecklist());
    const extra = coverage.classes.filter((c) => (PLATFORM_EXTRA_CLASSES as readonly string[]).includes(c.name));
    expect(extra.filter((c) => c.missing.length > 0).map((c) => `${c.name}: ${c.missing.join(", ")}`)).toEqual([]);
    expect(extra.filter((c) => c.present).map((c) => c.name).sort()).toEqual(["Cache", "CacheStorage", "HTMLRewriter", "WebSocket", "WebSocketPair"]);
    expect(tally(coverage, ["Cache", "CacheStorage", "HTMLRewriter"])).toEqual({ present: 11, total: 11 });
    expect(tally(coverage, ["WebSocket", "WebSocketPair"])).toEqual({ present: 21, total: 21 });
    // Every class the checklist names, web platform and platform extras together: 325 of 325.
    const all = tally(coverage);
    expect(all.present).toBe(all.total);
    expect(all.total).toBe(325);
  });

  it("has every platform global, `caches` and `origin` included", async () => {
    const coverage = await probeSurface(worker, workersChecklist());
    expect(coverage.globals.missing).toEqual([]);
    expect(coverage.globals.present.length).toBe(PLATFORM_GLOBALS.length);
    expect(coverage.objects).toEqual([{ name: "scheduler", present: true, missing: [], total: 1 }]);
  });
});
