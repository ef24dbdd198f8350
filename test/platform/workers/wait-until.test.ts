// ctx.waitUntil work runs after the response has gone out, as on Cloudflare: a worker that
// answers and then spins in a waitUntil task gets its client the answer, and the task is stopped
// by the CPU limit and logged. Also: a rejection the worker leaves unhandled is logged, as
// workerd does, and does not turn the request into an error.
import { afterAll, describe, expect, it } from "vitest";
import { WallClock } from "../../../src/sim/clock.js";
import { Worker } from "../../../src/workers/index.js";
import { FakeKv } from "./fakes.js";

const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));

/** A KV namespace that answers reads at once, in the host's turn (as a PoP cache hit does). */
function instantKv(): FakeKv {
  const kv = new FakeKv();
  kv.data.set("k", { value: "v", metadata: null });
  (kv as unknown as { getWithMetadataNow: FakeKv["readNow"] }).getWithMetadataNow = (key, options) => kv.readNow(key, options);
  return kv;
}

/** `cpuMsMax` small enough to stop a spin quickly; generous otherwise (these machines are shared). */
function deploy(handler: string, name: string, cpuMsMax = 100): Worker {
  const w = new Worker(`export default { ${handler} };`, { name, cpuMsMax, kvNamespaces: { KV: instantKv() } }, { clock: new WallClock() });
  workers.push(w);
  return w;
}

async function answer(w: Worker): Promise<{ outcome: string; status: number; body: string; logs: string[]; waitUntil: Promise<void>; logsLater: () => string[] }> {
  const r = await w.fetch(new Request("https://wait.example/"));
  return { outcome: r.outcome, status: r.response.status, body: await r.response.text(), logs: r.logs.map((l) => l.message), waitUntil: r.waitUntil, logsLater: () => r.logs.map((l) => l.message) };
}

describe("work after the response", () => {
  const spinning = {
    "reads KV answered in the host's turn, then spins": `async fetch(request, env, ctx) { ctx.waitUntil(env.KV.get("k").then(() => { for (;;) {} })); return new Response("sent"); }`,
    "is queued behind a response returned synchronously, then spins": `fetch(request, env, ctx) { ctx.waitUntil(Promise.resolve().then(() => { for (;;) {} })); return new Response("sent"); }`,
    "waits on a timer, then spins": `async fetch(request, env, ctx) { ctx.waitUntil(new Promise((r) => setTimeout(r, 1)).then(() => { for (;;) {} })); return new Response("sent"); }`,
  };
  for (const [what, handler] of Object.entries(spinning)) {
    it(`a waitUntil task that ${what} leaves the response intact; the task is stopped and logged, and the next request is served`, async () => {
      const w = deploy(handler, `spin-${Object.keys(spinning).indexOf(what)}`);
      await w.prewarm();
      const r = await answer(w);
      expect([r.outcome, r.status, r.body]).toEqual(["ok", 200, "sent"]);
      await r.waitUntil;
      // The background watchdog stops a spin that started after the run returned.
      for (let i = 0; i < 100 && w.warm; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(w.warm).toBe(false);
      expect(r.logsLater().some((l) => /exceeded the CPU time limit|exceeded CPU time limit/.test(l))).toBe(true);
      const next = await answer(w);
      expect([next.outcome, next.body]).toEqual(["ok", "sent"]);
    });
  }

  it("the stop is logged on the request when it happens in the host's turn", async () => {
    const w = deploy(spinning["is queued behind a response returned synchronously, then spins"], "spin-logged");
    await w.prewarm();
    const r = await answer(w);
    expect(r.logs).toEqual(["Work queued after the response (ctx.waitUntil or an un-awaited promise) exceeded the CPU time limit and was stopped."]);
  });

  it("a handler that awaits KV reads answered in the host's turn still gets their values, in order", async () => {
    const w = deploy(`async fetch(request, env) {
      const order = [];
      const a = env.KV.get("k").then((v) => { order.push("a"); return v; });
      const b = env.KV.get("missing").then((v) => { order.push("b"); return v; });
      return Response.json({ values: [await a, await b, await env.KV.get("k", "json").catch((e) => e.name)], order });
    }`, "kv-order", 5_000);
    const r = await answer(w);
    expect(JSON.parse(r.body)).toEqual({ values: ["v", null, "SyntaxError"], order: ["a", "b"] });
  });

  it("a spin queued before the answer, in the same turn, is the request's own CPU: 1102, as on Cloudflare", async () => {
    const w = deploy(`async fetch(request, env, ctx) { ctx.waitUntil((async () => { await null; for (;;) {} })()); return new Response("never"); }`, "spin-first");
    const r = await answer(w);
    expect([r.outcome, r.status, r.body]).toEqual(["exceededCpu", 503, "error code: 1102"]);
  });
});

describe("unhandled rejections", () => {
  it("are logged as 'Uncaught (in promise)' and the request still answers", async () => {
    const w = deploy(`async fetch(request, env, ctx) {
      Promise.reject(new TypeError("first"));
      await env.KV.get("k");
      Promise.reject("second");
      await new Promise((r) => setTimeout(r, 1));
      Promise.reject(new RangeError("third"));
      return new Response("answered");
    }`, "unhandled", 5_000);
    const r = await answer(w);
    expect([r.outcome, r.body]).toEqual(["ok", "answered"]);
    expect(r.logs.filter((l) => l.startsWith("Uncaught (in promise)")).length).toBeGreaterThanOrEqual(2);
    expect(r.logs.some((l) => l.includes("TypeError: first"))).toBe(true);
    const again = await answer(w);
    expect(again.outcome).toBe("ok");
  });
});
