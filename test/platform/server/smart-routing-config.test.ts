// `[routing] smart = true` in wrangler.toml turns on the routing stage for npm start: the origin
// leg's server-timing names the path the stage chose and the time saved against BGP's.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEdgeServer } from "../../../src/server/edge-server.js";
import { parseWranglerToml } from "../../../src/workers/wrangler-toml.js";

describe("wrangler.toml [routing]", () => {
  it("reads smart = true or false, inherited by [env.x]", () => {
    expect(parseWranglerToml('name = "a"\n[routing]\nsmart = true\n').config.smartRouting).toBe(true);
    expect(parseWranglerToml('name = "a"\nrouting.smart = false\n').config.smartRouting).toBe(false);
    expect(parseWranglerToml('name = "a"\n').config.smartRouting).toBeUndefined();
    expect(parseWranglerToml('name = "a"\n[routing]\nsmart = true\n[env.x]\nmain = "w.js"\n', { env: "x" }).config.smartRouting).toBe(true);
  });

  it.each([
    ['name = "a"\n[routing]\nsmart = "yes"\n', "line 3", '"routing.smart" must be true or false, got string "yes"'],
    ['name = "a"\n[routing]\n\nsmart = 1\n', "line 4", '"routing.smart" must be true or false, got number 1'],
    ['name = "a"\nrouting = true\n', "line 2", '"routing" must be a table'],
  ])("rejects %j at %s (%s)", (text, where, why) => {
    expect(() => parseWranglerToml(text)).toThrow(expect.objectContaining({ code: "WRANGLER_TOML_INVALID" }));
    expect(() => parseWranglerToml(text)).toThrow(`wrangler.toml ${where}:`);
    expect(() => parseWranglerToml(text)).toThrow(why);
  });

  it("warns about an unknown [routing] key on its line", () => {
    const { warnings } = parseWranglerToml('name = "a"\n[routing]\nsmart = true\nargo = 1\n');
    expect(warnings).toEqual([expect.stringContaining("line 4")]);
  });
});

describe("npm start with [routing] smart = true", () => {
  it("names the chosen path and the time saved in the origin leg's server-timing; without it the leg is BGP's", async () => {
    const origin = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "cache-control": "no-store", "content-type": "text/plain" });
      res.end("origin");
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const port = (origin.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "edge-kata-routing-"));
    const legs = async (smart: boolean): Promise<string[]> => {
      const config = join(dir, `wrangler-${smart}.toml`);
      writeFileSync(config, `name = "site"\n[origin]\nurl = "http://127.0.0.1:${port}"\n${smart ? "[routing]\nsmart = true\n" : ""}`);
      const server = await startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", configPath: config, log: () => {} });
      try {
        const out: string[] = [];
        for (const pop of ["NRT", "SYD", "JNB", "GRU"]) {
          const r = await fetch(`${server.url}/page?pop=${pop}`, { headers: { "user-agent": "Mozilla/5.0", accept: "text/html" } });
          expect(r.status).toBe(200);
          await r.text();
          const timing = r.headers.get("server-timing") ?? "";
          const leg = /origin-route;[^,]*desc="([^"]*)"/.exec(timing)?.[1];
          expect(leg, `server-timing: ${timing}`).toBeDefined();
          out.push(leg!);
        }
        return out;
      } finally {
        await server.close();
      }
    };
    try {
      const on = await legs(true);
      for (const desc of on) expect(desc).toMatch(/^modelled: smart routing(:| via) .* ms saved vs BGP \([\d.]+ ms\)$/);
      const off = await legs(false);
      for (const desc of off) expect(desc).toMatch(/^modelled: [A-Z]{3} to origin near [A-Z]{3}$/);
    } finally {
      await new Promise<void>((resolve) => origin.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
