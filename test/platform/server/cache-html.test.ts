// The Cache API and HTMLRewriter as `npm start -- --config wrangler.toml` serves a worker project
// over real HTTP on loopback: each emulated PoP has its own cache, and a rewritten page streams.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdgeServer, startEdgeServer } from "../../../src/server/edge-server.js";

const dir = mkdtempSync(join(tmpdir(), "edge-kata-cache-html-"));
let server: RunningEdgeServer;

beforeAll(async () => {
  writeFileSync(join(dir, "wrangler.toml"), 'name = "cache-html"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n# As the other fixtures: shared 2-core test machines can charge preemption to a request.\n[limits]\ncpu_ms = 1000\n');
  writeFileSync(join(dir, "index.js"), `export default { async fetch(request) {
    const url = new URL(request.url);
    const key = "https://cache-html.example/item";
    if (url.pathname === "/put") {
      await caches.default.put(key, new Response("stored at " + request.cf.colo, { headers: { "cache-control": "max-age=600" } }));
      return new Response("ok");
    }
    if (url.pathname === "/match") {
      const hit = await caches.default.match(key);
      return new Response(hit === undefined ? "miss" : await hit.text());
    }
    const page = new Response("<html><body><a href='/a'>a</a><p>text</p></body></html>", { headers: { "content-type": "text/html" } });
    return new HTMLRewriter()
      .on("a", { async element(el) { await scheduler.wait(1); el.setAttribute("href", "https://cdn.example" + el.getAttribute("href")); } })
      .on("p", { text(t) { if (t.text) t.replace(t.text.toUpperCase()); } })
      .transform(page);
  } };`);
  server = await startEdgeServer({ host: "127.0.0.1", port: 0, configPath: join(dir, "wrangler.toml"), dataDir: ":memory:", log: () => {} });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = async (pop: string, path: string): Promise<string> => (await fetch(`${server.url}${path}`, { headers: { "cf-pop": pop } })).text();

describe("npm start: Cache API and HTMLRewriter", () => {
  it("caches.default is per PoP: what a worker put at one emulated PoP is not at another", async () => {
    expect(await at("CDG", "/put")).toBe("ok");
    expect(await at("CDG", "/match")).toBe("stored at CDG");
    expect(await at("SIN", "/match")).toBe("miss");
    // The PoP's own cache: a zone purge reaches it.
    server.edge.cache.purgeUrl("https://cache-html.example/item");
    expect(await at("CDG", "/match")).toBe("miss");
  });

  it("serves a page rewritten by HTMLRewriter, with async element handlers and text handlers", async () => {
    const r = await fetch(`${server.url}/page`);
    expect(r.status).toBe(200);
    const page = '<html><body><a href="https://cdn.example/a">a</a><p>TEXT</p></body></html>';
    // Never the original page's length: the rewritten body's own, or none (streamed).
    const length = r.headers.get("content-length");
    if (length !== null) expect(Number(length)).toBe(Buffer.byteLength(page));
    expect(await r.text()).toBe(page);
  });
});
