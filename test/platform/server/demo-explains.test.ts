import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fact, SOURCES } from "../../../src/facts/index.js";
import { startEdgeServer, type RunningEdgeServer } from "../../../src/server/edge-server.js";

/**
 * The local edge explains itself: the demo page inspects its own requests (status, cf-*
 * headers, each server-timing stage labelled measured or modelled), the KV counter says why a
 * write was refused, the Durable Object counter says where it lives and what the trip cost,
 * and cf-ray ids never repeat, not even across restarts with the same seed.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RAY = /^[0-9a-f]{16}-[A-Z]{3}$/;

let server: RunningEdgeServer;

beforeAll(async () => {
  server = await startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", log: () => undefined });
}, 60_000);
afterAll(() => server?.close());

describe("server-timing", () => {
  it("labels every stage: desc=measured, or desc=modelled: <what was assumed>", async () => {
    const response = await fetch(`${server.url}/worker/hello?pop=FRA`);
    const header = response.headers.get("server-timing")!;
    const entries = header.split(/,\s*(?=[\w-]+;dur=)/);
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const kinds = new Map<string, string>();
    for (const entry of entries) {
      const m = /^([\w-]+);dur=[\d.]+;desc="(measured(?:: [^"]+)?|modelled: [^"]+)"$/.exec(entry);
      expect(m, `entry without a measured/modelled desc: ${entry}`).not.toBeNull();
      kinds.set(m![1]!, m![2]!.startsWith("modelled") ? "modelled" : "measured");
    }
    // The network a request to 127.0.0.1 cannot feel is modelled; the work done here is measured.
    expect(kinds.get("client-rtt")).toBe("modelled");
    expect(kinds.get("handshake")).toBe("modelled");
    expect(kinds.get("waf")).toBe("measured");
    expect(kinds.get("ddos")).toBe("measured");
    // An isolate's CPU time is measured by V8, not modelled.
    expect(kinds.get("worker-cpu")).toBe("measured");
  });
});

describe("/__edge/status", () => {
  it("lists the requests the server has just served, with their PoP and cache status", async () => {
    const path = `/worker/hello?pop=SYD&status-probe=${Date.now()}`;
    const response = await fetch(`${server.url}${path}`);
    const cache = response.headers.get("cf-cache-status") ?? "";
    const html = await (await fetch(`${server.url}/__edge/status`)).text();
    expect(html).toMatch(/\d+ requests through the edge since it started/);
    expect(html).toContain(`<td><code>/worker/hello</code></td><td>SYD</td><td>${response.status}</td><td>${cache}</td></tr>`);
    // Its own visits are not traffic through the edge.
    expect(html).not.toContain("<code>/__edge/status</code>");
  });
});

describe("cf-ray", () => {
  it("is unique within a run and across restarts with the same seed, in Cloudflare's shape", async () => {
    const rays = new Set<string>();
    const collect = async (url: string): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        const ray = (await fetch(`${url}/time?pop=${i % 2 === 0 ? "FRA" : "SYD"}`)).headers.get("cf-ray")!;
        expect(ray).toMatch(RAY);
        expect(rays.has(ray), `ray ${ray} repeated`).toBe(false);
        rays.add(ray);
      }
    };
    await collect(server.url);
    for (let restart = 0; restart < 2; restart++) {
      const again = await startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", seed: 2026, log: () => undefined });
      try {
        await collect(again.url);
      } finally {
        await again.close();
      }
    }
    expect(rays.size).toBe(60);
  });

  it("replays from the seed when the ray seed is given (simulations stay deterministic)", async () => {
    const first: string[] = [];
    for (let run = 0; run < 2; run++) {
      const s = await startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", raySeed: "fixed", log: () => undefined });
      try {
        const ray = (await fetch(`${s.url}/time?pop=FRA`)).headers.get("cf-ray")!;
        first.push(ray);
      } finally {
        await s.close();
      }
    }
    expect(first[0]).toBe(first[1]);
  });
});

describe("the demo's KV and Durable Object counters", () => {
  it("a second KV write within the second is refused, and the answer says why with the registry's words", async () => {
    const pop = "NRT";
    const one = (await (await fetch(`${server.url}/worker/visits?pop=${pop}`)).json()) as Record<string, unknown>;
    const two = (await (await fetch(`${server.url}/worker/visits?pop=${pop}`)).json()) as Record<string, unknown>;
    expect(one.stored).toBe(true);
    expect(two.stored).toBe(false);
    expect(String(two.refused)).toMatch(/written \d+ ms before this write from NRT; the limit is 1 write per 1000 ms per key/);
    expect(two.why).toContain(fact("kv.writesPerKeyPerSecond").claim);
    expect(two.why).toContain(SOURCES["cf-kv-limits"].url);
  });

  it("the Durable Object says where it lives, and a call from the other side of the world shows the trip", async () => {
    const get = async (pop: string): Promise<Response> => fetch(`${server.url}/worker/counter?pop=${pop}`);
    // The first call places and builds the object: not a round trip to time. On a loaded
    // machine its cold compile can exceed the CPU limit (a 500); the object is placed anyway.
    let created: Response | undefined;
    for (let attempt = 0; attempt < 3 && created?.status !== 200; attempt++) created = await get("LHR");
    expect(created!.status).toBe(200);
    const first = (await created!.json()) as Record<string, unknown>;
    const near = (await (await get("LHR")).json()) as Record<string, unknown>;
    const far = (await (await get("SYD")).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ livesIn: "LHR", calledFrom: "LHR" });
    expect(near).toMatchObject({ count: (first.count as number) + 1, livesIn: "LHR", calledFrom: "LHR" });
    expect(far).toMatchObject({ count: (first.count as number) + 2, livesIn: "LHR", calledFrom: "SYD" });
    // Sydney to London is about 17,000 km: no model puts the round trip under 150 ms more than
    // a call from inside London (which the model counts as free).
    expect((far.roundTripMs as number) - (near.roundTripMs as number)).toBeGreaterThan(150);
    expect(far.why).toContain(SOURCES["cf-do-data-location"].url);
  });
});

describe.runIf(existsSync(CHROMIUM))("the demo page's inspector in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  });
  afterAll(() => browser?.close());

  // A loaded 2-core machine can take tens of seconds to start Chromium and a cold isolate.
  it("shows the status, the cf-* headers explained, and each stage measured or modelled", { timeout: 180_000 }, async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(90_000);
    const problems: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
    page.on("pageerror", (e) => void problems.push(e.message));
    await page.goto(`${server.url}/?pop=AMS`);
    expect(await page.locator("#inspector section").count()).toBe(0);
    await page.click('[data-inspect="/cached"]');
    const first = page.locator("#inspector section").first();
    await first.waitFor();
    expect(await first.locator(".status").innerText()).toBe("200");
    const headers = await first.locator("table.headers").innerText();
    expect(headers).toMatch(/cf-ray\s+[0-9a-f]{16}-[A-Z]{3}/);
    expect(headers).toMatch(/cf-cache-status\s+MISS\s+what the cache did/);
    const stages = await first.locator("tr.stage").allInnerTexts();
    expect(stages.some((r) => /^client-rtt\s+[\d.]+\s+modelled\s+client /.test(r))).toBe(true);
    expect(stages.some((r) => /^waf\s+[\d.]+\s+measured/.test(r))).toBe(true);
    // A second inspection of the same resource is served by the cache, newest first.
    await page.click('[data-inspect="/cached"]');
    await page.locator("#inspector section").nth(1).waitFor();
    expect(await page.locator("#inspector section").first().locator("table.headers").innerText()).toMatch(/cf-cache-status\s+HIT/);
    expect(await page.locator("#inspector section").first().locator("tr.stage").count()).toBeGreaterThan(2);
    expect(problems).toEqual([]);
    await page.close();
  });
});
