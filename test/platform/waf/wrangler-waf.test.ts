import { describe, expect, it } from "vitest";
import { parseWranglerToml } from "../../../src/workers/wrangler-toml.js";

describe("wrangler.toml [waf]", () => {
  it("reads crs, paranoia_level and inbound_anomaly_score_threshold", () => {
    const text = 'name = "a"\n[waf]\ncrs = "auto"\nparanoia_level = 2\ninbound_anomaly_score_threshold = 10\n';
    const { config, warnings } = parseWranglerToml(text);
    expect(config.waf).toEqual({ crs: "auto", paranoiaLevel: 2, inboundThreshold: 10 });
    expect(warnings).toEqual([]);
    expect(parseWranglerToml('name = "a"\nwaf.crs = "vendor/coreruleset"\n').config.waf).toEqual({ crs: "vendor/coreruleset" });
    expect(parseWranglerToml('name = "a"\n').config.waf).toBeUndefined();
  });

  it("is inherited by [env.x] unless the environment sets its own", () => {
    const text = 'name = "a"\n[waf]\ncrs = "off"\n[env.strict]\nwaf = { crs = "auto", paranoia_level = 3 }\n[env.plain]\nmain = "x.js"\n';
    expect(parseWranglerToml(text, { env: "strict" }).config.waf).toEqual({ crs: "auto", paranoiaLevel: 3 });
    expect(parseWranglerToml(text, { env: "plain" }).config.waf).toEqual({ crs: "off" });
  });

  it("warns about an unknown [waf] key on its line", () => {
    const { warnings } = parseWranglerToml('name = "a"\n[waf]\ncrs = "auto"\nparanoia = 2\n');
    expect(warnings).toEqual([expect.stringContaining("line 4")]);
    expect(warnings[0]).toContain('Unexpected fields found in waf field: "paranoia"');
  });

  it.each([
    ['name = "a"\nwaf = "auto"\n', "line 2", '"waf" must be a table'],
    ['name = "a"\n[waf]\ncrs = 1\n', "line 3", 'waf.crs must be "auto", "off" or a CRS directory, got number 1'],
    ['name = "a"\n[waf]\ncrs = ""\n', "line 3", "waf.crs must be"],
    ['name = "a"\n[waf]\nparanoia_level = 5\n', "line 3", "waf.paranoia_level must be 1, 2, 3 or 4, got number 5"],
    ['name = "a"\n[waf]\nparanoia_level = "1"\n', "line 3", 'got string "1"'],
    ['name = "a"\n[waf]\nparanoia_level = 1.5\n', "line 3", "must be 1, 2, 3 or 4"],
    ['name = "a"\n[waf]\n\n# threshold\ninbound_anomaly_score_threshold = 0\n', "line 5", "positive integer"],
    ['name = "a"\n[waf]\ninbound_anomaly_score_threshold = 2.5\n', "line 3", "positive integer"],
  ])("rejects %j at %s (%s)", (text, where, why) => {
    expect(() => parseWranglerToml(text)).toThrow(expect.objectContaining({ code: "WRANGLER_TOML_INVALID" }));
    expect(() => parseWranglerToml(text)).toThrow(`wrangler.toml ${where}:`);
    expect(() => parseWranglerToml(text)).toThrow(why);
  });
});

describe("npm start with [waf] in the config file", () => {
  it("loads the CRS at the file's paranoia level, lets --paranoia override it, and blocks with it", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { startEdgeServer } = await import("../../../src/server/edge-server.js");
    const dir = mkdtempSync(join(tmpdir(), "edge-kata-waf-"));
    try {
      const config = join(dir, "wrangler.toml");
      writeFileSync(config, 'name = "site"\n[origin]\nurl = "http://127.0.0.1:9"\n[waf]\ncrs = "auto"\nparanoia_level = 2\n');
      const lines: string[] = [];
      const server = await startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", configPath: config, log: (l) => lines.push(l) });
      try {
        expect(lines.join("\n")).toMatch(/WAF managed rules: OWASP CRS [\d.]+, paranoia 2/);
        const blocked = await fetch(`${server.url}/?q=${encodeURIComponent("<script>alert(1)</script>")}`, { headers: { "user-agent": "Mozilla/5.0", accept: "text/html" } });
        expect(blocked.status).toBe(403);
        await blocked.body?.cancel();
      } finally {
        await server.close();
      }
      const override: string[] = [];
      const again = await startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", configPath: config, paranoiaLevel: 1, log: (l) => override.push(l) });
      await again.close();
      expect(override.join("\n")).toMatch(/paranoia 1,/);
      writeFileSync(config, 'name = "site"\n[waf]\ncrs = "no-such-dir"\n');
      await expect(startEdgeServer({ host: "127.0.0.1", port: 0, dataDir: ":memory:", configPath: config, log: () => undefined })).rejects.toThrow(/no OWASP CRS found in .*no-such-dir/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
