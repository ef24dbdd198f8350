import { describe, expect, it } from "vitest";
import { Edge } from "../../../src/edge/index.js";
import { KvStore } from "../../../src/kv/index.js";
import { statusRoutes } from "../../../src/server/status-routes.js";
import { demoSiteConfig } from "../../../src/server/site-config.js";
import { type ServedRequest, TRAFFIC_RECENT_MAX, TrafficLog } from "../../../src/server/traffic-log.js";
import { Rng, VirtualClock } from "../../../src/sim/index.js";

const START_MS = 1_800_000_000_000;

describe("the status page's KV section", () => {
  it("shows what the pull-through model holds: reads per layer, and live copies and the next expiry per PoP and tier", async () => {
    const clock = new VirtualClock(START_MS);
    const kv = new KvStore({ clock, rng: new Rng(1), pops: ["LHR", "FRA", "NRT"], ownWriteMissProbability: 0 });
    const edge = new Edge({ clock, seed: 1, origin: async () => new Response("origin") });
    const routes = statusRoutes({ edge, kv, site: demoSiteConfig(), originUrl: undefined, deployment: undefined });
    const page = async (): Promise<string> => ((await routes(new Request("http://127.0.0.1/__edge/status"))) as Response).text();

    expect(await page()).toContain("No PoP or tier holds a live KV copy.");
    const ns = kv.namespace("demo-kv");
    await ns.atPop("LHR").put("visits", "1");
    await ns.atPop("NRT").get("visits");
    await ns.atPop("FRA").get("visits");
    clock.advanceMs(15_000);
    const html = await page();
    expect(html).toContain("nothing is pushed to PoPs");
    expect(html).toContain("Reads answered so far: 0 by the PoP's own cache, 0 by a regional tier, 2 by a central store.");
    expect(html).toContain("<tr><td>NRT</td><td>PoP cache</td><td>1</td><td>45.0 s</td></tr>");
    expect(html).toContain("<tr><td>EU</td><td>regional tier</td><td>1</td><td>45.0 s</td></tr>");
    expect(html).toContain("<tr><td>LHR</td><td>PoP cache</td><td>1</td><td>45.0 s</td></tr>");
    expect(html).not.toMatch(/propagat|deliver/i);
    clock.advanceMs(60_000);
    expect(await page()).toContain("No PoP or tier holds a live KV copy.");
  });
});

describe("the status page explains itself and shows live traffic", () => {
  const setup = () => {
    const clock = new VirtualClock(START_MS);
    const kv = new KvStore({ clock, rng: new Rng(1), pops: ["LHR"], ownWriteMissProbability: 0 });
    const edge = new Edge({ clock, seed: 1, origin: async () => new Response("origin") });
    const traffic = new TrafficLog();
    const routes = statusRoutes({ edge, kv, site: demoSiteConfig(), originUrl: undefined, deployment: undefined, traffic });
    const page = async (): Promise<string> => ((await routes(new Request("http://127.0.0.1/__edge/status"))) as Response).text();
    return { traffic, page };
  };
  const served = (i: number, over: Partial<ServedRequest> = {}): ServedRequest => ({ atMs: START_MS + i * 1000, method: "GET", path: `/p${i}`, pop: "LHR", status: 200, cacheStatus: "MISS", dropped: false, ...over });

  it("says what catchments are and gives each busiest PoP its share of modelled traffic, the shares of all PoPs summing to 100%", async () => {
    const { page } = setup();
    const html = await page();
    expect(html).toContain("catchment");
    expect(html).toContain("BGP, not distance");
    expect(html).toContain('<meta http-equiv="refresh"');
    const shares = [...html.matchAll(/<td>([\d.]+)%<\/td><\/tr>/g)].map((m) => Number(m[1]));
    expect(shares.length).toBe(25);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100.5);
    expect(html).toContain("No request has gone through the edge yet");
  });

  it("counts served requests per PoP and cache status and lists the latest, newest first, escaped and bounded", async () => {
    const { traffic, page } = setup();
    for (let i = 0; i < TRAFFIC_RECENT_MAX + 5; i++) traffic.record(served(i, i % 2 === 0 ? { cacheStatus: "HIT", pop: "NRT" } : {}));
    traffic.record(served(100, { path: "/<script>alert(1)</script>", pop: "__proto__", cacheStatus: "constructor", dropped: true }));
    const html = await page();
    expect(html).toContain(`${TRAFFIC_RECENT_MAX + 6} requests through the edge since it started, 1 of them dropped by the DDoS filter`);
    expect(html).toContain("By <code>cf-cache-status</code>: HIT 13, MISS 12, other 1.");
    expect(html).toContain("<tr><td>NRT</td><td>13</td></tr><tr><td>LHR</td><td>12</td></tr><tr><td>other</td><td>1</td></tr>");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;");
    const recent = traffic.recent();
    expect(recent.length).toBe(TRAFFIC_RECENT_MAX);
    expect(recent[0]!.path).toBe("/<script>alert(1)</script>");
    expect(recent[1]!.path).toBe(`/p${TRAFFIC_RECENT_MAX + 4}`);
    expect(recent.at(-1)!.path).toBe("/p6");
    expect(html).toContain("<td>dropped</td>");
  });
});
