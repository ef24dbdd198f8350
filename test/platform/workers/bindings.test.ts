// env bindings: KV and Durable Object namespaces bridged to host APIs, and Durable Object
// classes exported by a script instantiated inside that script's isolate.
import { afterAll, describe, expect, it } from "vitest";
import type { KvGetOptions, KvNamespaceApi, KvValueType } from "../../../src/core/bindings.js";
import { VirtualClock } from "../../../src/sim/clock.js";
import { Worker } from "../../../src/workers/index.js";
import { FakeDurableObjectNamespace, FakeKv, FakeStorage } from "./fakes.js";

// Generous CPU budgets (cpuMsMax: 1_000): CPU is not the question in this file.
const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));

describe("KV binding", () => {
  it("get (text/json/arrayBuffer), getWithMetadata, put with metadata, delete and list reach the host namespace", async () => {
    const kv = new FakeKv();
    await kv.put("seed", JSON.stringify({ n: 1 }), { metadata: { v: 7 } });
    const w = new Worker(
      `export default { async fetch(request, env) {
        const json = await env.KV.get("seed", { type: "json" });
        const buf = await env.KV.get("seed", "arrayBuffer");
        const meta = await env.KV.getWithMetadata("seed");
        await env.KV.put("bytes", new TextEncoder().encode("raw"));
        await env.KV.delete("seed");
        const missing = await env.KV.get("seed");
        let stream; try { await env.KV.get("bytes", "stream"); } catch (e) { stream = e.message; }
        return Response.json({ json, bufLen: buf.byteLength, meta: [meta.value, meta.metadata], missing, keys: (await env.KV.list()).keys.map((k) => k.name), stream, greeting: env.GREETING });
      } };`,
      { name: "kv", cpuMsMax: 1_000, kvNamespaces: { KV: kv }, vars: { GREETING: "hi" } },
      { clock: new VirtualClock(0) },
    );
    workers.push(w);
    const r = await w.fetch(new Request("https://kv.example/"));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    const body = (await r.response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ json: { n: 1 }, bufLen: 7, meta: ['{"n":1}', { v: 7 }], missing: null, keys: ["bytes"], greeting: "hi" });
    expect(String(body["stream"])).toContain("not supported");
    expect(new TextDecoder().decode(kv.data.get("bytes")!.value as ArrayBuffer)).toBe("raw");
  });

  it("a host KV error surfaces in the worker as a catchable Error with its code", async () => {
    const failing = new FakeKv();
    failing.put = async () => {
      throw Object.assign(new Error("key is 600 bytes; the limit is 512"), { code: "KV_KEY_TOO_LARGE" });
    };
    const w = new Worker(
      `export default { async fetch(request, env) { try { await env.KV.put("k".repeat(600), "v"); return new Response("stored"); } catch (e) { return new Response(e.message, { status: 414 }); } } };`,
      { name: "kvfail", cpuMsMax: 1_000, kvNamespaces: { KV: failing } },
      { clock: new VirtualClock(0) },
    );
    workers.push(w);
    const r = await w.fetch(new Request("https://kv.example/"));
    expect(r.response.status).toBe(414);
    expect(await r.response.text()).toBe("KV_KEY_TOO_LARGE: key is 600 bytes; the limit is 512");
  });
});

describe("KV reads answered at once (getWithMetadataNow)", () => {
  /** Everything a worker can observe of a read, through both paths of the runtime. */
  const READS = `export default { async fetch(request, env) {
    const out = {};
    const t0 = Date.now();
    out.text = await env.KV.get("seed");
    out.json = await env.KV.get("seed", { type: "json" });
    out.bytes = (await env.KV.get("seed", "arrayBuffer")).byteLength;
    const meta = await env.KV.getWithMetadata("seed", "json");
    out.meta = [meta.value, meta.metadata, meta.cacheStatus];
    out.missing = await env.KV.get("absent");
    const pending = env.KV.get("k".repeat(600));
    out.isPromise = pending instanceof Promise;
    try { await pending; } catch (e) { out.error = e.message; }
    try { await env.KV.get("seed", "stream"); } catch (e) { out.stream = e.message; }
    out.elapsed = Date.now() - t0;
    return Response.json(out);
  } };`;

  async function observe(kv: FakeKv, name: string): Promise<Record<string, unknown>> {
    await kv.put("seed", JSON.stringify({ n: 1 }), { metadata: { v: 7 } });
    const w = new Worker(READS, { name, cpuMsMax: 1_000, kvNamespaces: { KV: kv } }, { clock: new VirtualClock(5_000) });
    workers.push(w);
    const r = await w.fetch(new Request("https://kv.example/"));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    return (await r.response.json()) as Record<string, unknown>;
  }

  it("a namespace that can answer at once gives the worker exactly what the async path gives", async () => {
    const asyncOnly = new FakeKv();
    let immediateReads = 0;
    const immediate: FakeKv & KvNamespaceApi = Object.assign(new FakeKv(), {
      getWithMetadataNow(this: FakeKv, key: string, options?: KvGetOptions | KvValueType) {
        immediateReads++;
        return this.readNow(key, options);
      },
    });
    const viaAsync = await observe(asyncOnly, "kv-async");
    const viaNow = await observe(immediate, "kv-now");
    expect(immediateReads).toBeGreaterThanOrEqual(5);
    expect(viaNow).toEqual(viaAsync);
    expect(viaNow).toMatchObject({ text: '{"n":1}', json: { n: 1 }, bytes: 7, meta: [{ n: 1 }, { v: 7 }, null], missing: null, isPromise: true, elapsed: 0 });
    expect(String(viaNow["error"])).toContain("KV_KEY_TOO_LARGE");
    expect(String(viaNow["stream"])).toContain("not supported");
  });
});

const COUNTER_SCRIPT = `
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async fetch(request) {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    return Response.json({ n, id: this.ctx.id.toString(), name: this.ctx.id.name ?? null });
  }
  async add(k) {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + k;
    await this.ctx.storage.put("n", n);
    return n;
  }
}

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1);
    const id = env.COUNTER.idFromName(name);
    const same = env.COUNTER.idFromString(id.toString()).equals(id);
    const stub = env.COUNTER.get(id);
    const res = await stub.fetch("https://do/inc");
    const body = await res.json();
    return Response.json({ ...body, same, rpc: await stub.add(10) });
  },
};`;

describe("Durable Objects", () => {
  it("env.DO.idFromName -> get(id).fetch runs the script's exported class in its isolate with host storage", async () => {
    const ns = new FakeDurableObjectNamespace();
    const w = new Worker(COUNTER_SCRIPT, { name: "do", cpuMsMax: 1_000, durableObjects: { COUNTER: ns } }, { clock: new VirtualClock(0) });
    workers.push(w);
    ns.factory = w.durableObjectFactory("Counter");
    const first = await w.fetch(new Request("https://do.example/alice"));
    expect(first.outcome, JSON.stringify(first.logs)).toBe("ok");
    const hex = ns.idFromName("alice").toString();
    expect(await first.response.json()).toEqual({ n: 1, id: hex, name: "alice", same: true, rpc: 11 });
    const second = await w.fetch(new Request("https://do.example/alice"));
    expect(await second.response.json()).toMatchObject({ n: 12, rpc: 22 });
    const other = await w.fetch(new Request("https://do.example/bob"));
    expect(await other.response.json()).toMatchObject({ n: 1, name: "bob" });
    expect(ns.storages.get(hex)!.data.get("n")).toBe(22);
  });

  it("an exception inside a Durable Object reaches the calling worker as a catchable error", async () => {
    const ns = new FakeDurableObjectNamespace();
    const w = new Worker(
      `export class Broken { constructor(state, env) {} async fetch() { throw new Error("object bug"); } }
       export default { async fetch(request, env) {
         try { await env.B.get(env.B.idFromName("x")).fetch("https://do/"); return new Response("no error"); }
         catch (e) { return new Response(e.message, { status: 502 }); }
       } };`,
      { name: "do-throws", cpuMsMax: 1_000, durableObjects: { B: ns } },
      { clock: new VirtualClock(0) },
    );
    workers.push(w);
    ns.factory = w.durableObjectFactory("Broken");
    const r = await w.fetch(new Request("https://do.example/"));
    expect(r.response.status).toBe(502);
    expect(await r.response.text()).toContain("DURABLE_OBJECT_EXCEPTION: Error: object bug");
  });

  it("the factory's instance offers fetch, alarm and RPC methods, with storage on the host state", async () => {
    const w = new Worker(
      `export class Job { constructor(state) { this.state = state; }
         async fetch(request) { return new Response(request.method + " " + new URL(request.url).pathname); }
         async alarm() { await this.state.storage.put("ran", (await this.state.storage.get("ran") ?? 0) + 1); }
         async status() { return { ran: await this.state.storage.get("ran"), id: this.state.id.toString() }; } }
       export default { fetch() { return new Response("unused"); } };`,
      { name: "do-direct", cpuMsMax: 1_000 },
      { clock: new VirtualClock(0) },
    );
    workers.push(w);
    const ns = new FakeDurableObjectNamespace();
    const storage = new FakeStorage();
    const id = ns.idFromName("job-1");
    const api = await w.durableObjectFactory("Job")({ id, storage: storage as never, blockConcurrencyWhile: (fn) => fn(), waitUntil: () => {} });
    const res = await api.fetch!(new Request("https://do/run", { method: "POST" }));
    expect(await res.text()).toBe("POST /run");
    await api.alarm!();
    await api.alarm!();
    expect(storage.data.get("ran")).toBe(2);
    expect(await (api["status"] as () => Promise<unknown>)()).toEqual({ ran: 2, id: id.toString() });
  });

  it("durableObjectFactory refuses a class the script does not export", async () => {
    const w = new Worker(COUNTER_SCRIPT, { name: "do2", cpuMsMax: 1_000, durableObjects: { COUNTER: new FakeDurableObjectNamespace() } }, { clock: new VirtualClock(0) });
    workers.push(w);
    const ns = new FakeDurableObjectNamespace();
    const state = { id: ns.idFromName("x"), storage: {} as never, blockConcurrencyWhile: <T>(fn: () => Promise<T>) => fn(), waitUntil: () => {} };
    await expect(Promise.resolve(w.durableObjectFactory("Nope")(state))).rejects.toMatchObject({ code: "DURABLE_OBJECT_CONSTRUCTOR_FAILED" });
  });
});

describe("waitUntil and scheduled", () => {
  it("ctx.waitUntil work runs after the response and the host can await it", async () => {
    const kv = new FakeKv();
    const w = new Worker(
      `export default {
        async fetch(request, env, ctx) { ctx.waitUntil(env.KV.put("late", "done")); return new Response("sent"); },
        async scheduled(event, env, ctx) { await env.KV.put("cron", event.cron); },
      };`,
      { name: "wu", cpuMsMax: 1_000, kvNamespaces: { KV: kv } },
      { clock: new VirtualClock(0) },
    );
    workers.push(w);
    const r = await w.fetch(new Request("https://wu.example/"));
    expect(await r.response.text()).toBe("sent");
    await r.waitUntil;
    expect(kv.data.get("late")?.value).toBe("done");
    const s = await w.scheduled("*/5 * * * *");
    expect(s.outcome).toBe("ok");
    expect(kv.data.get("cron")?.value).toBe("*/5 * * * *");
  });
});
