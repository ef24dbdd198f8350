import { describe, expect, it } from "vitest";
import { Edge } from "../../../src/edge/index.js";
import { KvStore } from "../../../src/kv/index.js";
import { statusRoutes } from "../../../src/server/status-routes.js";
import { demoSiteConfig } from "../../../src/server/site-config.js";
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
