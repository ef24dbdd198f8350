// Isolation and Spectre-mitigation claims, each checked from inside a tenant's isolate.
import { afterAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/sim/clock.js";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker } from "../../../src/workers/index.js";
import { PLATFORM_EXTRA_CLASSES, WEB_PLATFORM_CLASSES } from "./api-surface/checklist.js";

const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));

function deploy(body: string, options: { clock?: Clock; origin?: (r: Request) => Promise<Response> } = {}): Worker {
  const source = `export default { async fetch(request, env, ctx) { ${body} } };`;
  const w = new Worker(source, { name: `iso${workers.length}`, cpuMsMax: 2_000 }, { clock: options.clock ?? new VirtualClock(0), ...(options.origin ? { origin: options.origin } : {}) });
  workers.push(w);
  return w;
}

async function json(w: Worker): Promise<unknown> {
  const r = await w.fetch(new Request("https://iso.example/"));
  expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
  return r.response.json();
}

describe("tenant isolation", () => {
  it("a worker cannot see another worker's globals", async () => {
    const a = deploy(`globalThis.secret = "tenant A's token"; return Response.json(globalThis.secret);`);
    const b = deploy(`return Response.json(typeof globalThis.secret);`);
    expect(await json(a)).toBe("tenant A's token");
    expect(await json(b)).toBe("undefined");
  });

  it("Node's process, require, Buffer, module and dynamic import of node:fs are absent", async () => {
    const w = deploy(`
      let fs = "absent";
      try { await import("node:fs"); fs = "imported"; } catch { fs = "refused"; }
      return Response.json({ process: typeof process, require: typeof require, Buffer: typeof Buffer,
        module: typeof module, global: typeof global, setImmediate: typeof setImmediate, fs });`);
    expect(await json(w)).toEqual({ process: "undefined", require: "undefined", Buffer: "undefined", module: "undefined", global: "undefined", setImmediate: "undefined", fs: "refused" });
  });

  it("this.constructor.constructor('return process')() is refused: no code is generated from strings", async () => {
    const w = deploy(`
      let viaThis, viaFunction;
      try { viaThis = String(this.constructor.constructor("return process")()); } catch (e) { viaThis = e.name; }
      try { viaFunction = String(Function("return this")().process); } catch (e) { viaFunction = e.name; }
      return Response.json({ viaThis, viaFunction });`);
    expect(await json(w)).toEqual({ viaThis: "EvalError", viaFunction: "EvalError" });
  });

  it("Object.prototype pollution in tenant A is invisible to tenant B and to the host", async () => {
    const a = deploy(`Object.prototype.polluted = "yes"; Array.prototype.flat = () => "hijacked"; return Response.json(({}).polluted);`);
    const b = deploy(`return Response.json({ polluted: ({}).polluted ?? null, flat: [[1], [2]].flat() });`);
    expect(await json(a)).toBe("yes");
    expect(await json(b)).toEqual({ polluted: null, flat: [1, 2] });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect([[1], [2]].flat()).toEqual([1, 2]);
  });

  it("the global scope holds only ECMAScript built-ins and the documented Web APIs (no host handles)", async () => {
    const w = deploy(`return Response.json(Object.getOwnPropertyNames(globalThis));`);
    const names = (await json(w)) as string[];
    const webApis = ["console", "performance", "structuredClone", "queueMicrotask", "btoa", "atob", "setTimeout", "setInterval", "clearTimeout",
      "clearInterval", "fetch", "crypto", "self", "navigator", "scheduler", "addEventListener", "removeEventListener", "dispatchEvent", "reportError", "caches", "origin"];
    // Classes (capitalised) are ECMAScript's or the Workers API's; the checklist test covers which.
    const ecmascript = new Set(Object.getOwnPropertyNames(globalThis).filter((n) => /^[A-Z]|^(parse|is|decode|encode|escape|unescape|eval|globalThis|undefined|Infinity|NaN)/.test(n)));
    const workersClasses = new Set<string>([...WEB_PLATFORM_CLASSES, ...PLATFORM_EXTRA_CLASSES, "ErrorEvent", "MessageEvent", "CloseEvent", "WebSocketRequestResponsePair"]);
    const unexpected = names.filter((n) => !webApis.includes(n) && !ecmascript.has(n) && !workersClasses.has(n));
    expect(unexpected).toEqual([]);
    for (const absent of ["SharedArrayBuffer", "Atomics", "process", "require", "Buffer"]) expect(names).not.toContain(absent);
  });

  it("an import other than cloudflare:workers is refused at deploy, naming the module", () => {
    const source = `import fs from "node:fs"; export default { fetch() { return new Response(String(fs)); } };`;
    expect(() => new Worker(source, { name: "importer" })).toThrow(expect.objectContaining({ code: "WORKER_SCRIPT_INVALID" }));
    expect(() => new Worker(source, { name: "importer" })).toThrow('cannot import "node:fs"');
  });
});

describe("Spectre mitigations", () => {
  it("SharedArrayBuffer and Atomics are undefined and WebAssembly shared memory is refused", async () => {
    const w = deploy(`
      let shared;
      try { new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }); shared = "created"; } catch (e) { shared = e.name; }
      return Response.json({ sab: typeof SharedArrayBuffer, atomics: typeof Atomics, shared });`);
    expect(await json(w)).toEqual({ sab: "undefined", atomics: "undefined", shared: "TypeError" });
  });

  it("Date.now and performance.now are frozen during a busy loop and advance after I/O", async () => {
    // Every read of this clock moves it forward, so any read during the loop would show.
    let t = 1_000_000;
    const ticking: Clock = { nowMs: () => (t += 7) };
    const w = deploy(
      `const d0 = Date.now(), p0 = performance.now(), n0 = new Date().getTime();
       let x = 0; for (let i = 0; i < 2e6; i++) x += i;
       const d1 = Date.now(), p1 = performance.now();
       await fetch("https://origin.example/");
       const d2 = Date.now();
       return Response.json({ frozen: d0 === d1 && p0 === p1 && n0 === d0, advanced: d2 > d1, x: x > 0 });`,
      { clock: ticking, origin: async () => new Response("io") },
    );
    expect(await json(w)).toEqual({ frozen: true, advanced: true, x: true });
  });

  it("Date.now inside the isolate is the host clock's time at request start", async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const w = deploy(`return Response.json([Date.now(), new Date().toISOString()]);`, { clock });
    clock.advanceMs(5_000);
    expect(await json(w)).toEqual([1_700_000_005_000, new Date(1_700_000_005_000).toISOString()]);
  });
});
