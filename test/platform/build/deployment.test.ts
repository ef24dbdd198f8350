// A worker project served as `npm start -- --config wrangler.toml --watch` serves it: every
// wrangler.toml setting the platform reads, source-mapped exceptions in the 1101 log, and
// reloads that keep KV and Durable Object storage, survive a broken save and follow the config.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningEdgeServer, startEdgeServer } from "../../../src/server/edge-server.js";
import { copyFixture } from "../../support/worker-fixtures.js";

const dir = copyFixture("wrangler-features");
const logs: string[] = [];
let server: RunningEdgeServer;
let staging: RunningEdgeServer;

beforeAll(async () => {
  [server, staging] = await Promise.all([
    startEdgeServer({ host: "127.0.0.1", port: 0, configPath: join(dir, "wrangler.toml"), dataDir: ":memory:", watch: true, log: (line) => logs.push(line) }),
    startEdgeServer({ host: "127.0.0.1", port: 0, configPath: join(dir, "wrangler.toml"), env: "staging", dataDir: ":memory:", log: () => {} }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([server?.close(), staging?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, init: RequestInit = {}, base = server.url): Promise<string> {
  const r = await fetch(`${base}${path}`, init);
  return r.text();
}

/** Edits a file of the project and waits until the watcher's rebuild has been applied. */
async function edit(file: string, text: string): Promise<void> {
  const deployment = server.deployment!;
  const before = deployment.rebuilds;
  writeFileSync(join(dir, file), text);
  await vi.waitFor(() => expect(deployment.rebuilds).toBeGreaterThan(before), { timeout: 20_000, interval: 20 });
  await deployment.settled();
}

function lineOf(file: string, needle: string): number {
  return readFileSync(join(dir, file), "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("wrangler.toml settings", () => {
  it("ran [build] command before bundling and printed the build with its sizes", async () => {
    expect(await get("/stamp")).toBe("stamped by the build command\n");
    expect(logs).toContain("[build] node scripts/stamp.mjs");
    expect(logs).toContain("[build] stamp written");
    expect(logs.some((l) => /^built features in \d+ ms \(\d+\.\d KiB, \d+\.\d KiB gzip\)$/.test(l))).toBe(true);
  });

  it("applies nodejs_compat (2024-09-23 or later: node:crypto, bare events, a global Buffer) and [[rules]]", async () => {
    expect(await get("/hash?s=abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await get("/buffer")).toBe("ZWRnZQ==");
    expect(await get("/events")).toBe("pong");
    expect(await get("/about")).toBe(readFileSync(join(dir, "src/about.md"), "utf8"));
  });

  it("with --env staging, takes that section's vars and bindings and names the Worker features-staging", async () => {
    expect(await get("/mode")).toBe("top");
    expect(await get("/mode", {}, staging.url)).toBe("staging");
    expect(staging.deployment!.name).toBe("features-staging");
    expect(await get("/note", { method: "PUT", body: "top note" })).toBe("stored");
    expect(await get("/note", {}, staging.url)).toBe("none");
  });

  it("adds .dev.vars (or .dev.vars.<env> under --env) to the vars, as wrangler dev does", async () => {
    expect(JSON.parse(await get("/secrets"))).toEqual({ token: 'dev-token-"quoted"', note: "from .dev.vars" });
    expect(JSON.parse(await get("/secrets", {}, staging.url))).toEqual({ token: "staging-token" });
  });

  it("fires the scheduled handler for a [triggers] cron at /__scheduled, as wrangler dev --test-scheduled does", async () => {
    const r = await fetch(`${server.url}/__scheduled`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('Ran scheduled event (cron "*/10 * * * *")\n');
    // KV is eventually consistent between PoPs: read it where the cron ran.
    expect(await get("/note?key=last-cron&pop=IAD")).toBe("*/10 * * * *");
    // KV takes one write per second per key, wherever it comes from: the second cron's write
    // waits that second out.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await (await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent("0 0 * * 1")}&pop=SYD`)).text()).toBe('Ran scheduled event (cron "0 0 * * 1")\n');
  });
});

describe("exceptions in development", () => {
  it("the 1101 log and page name the TypeScript file and line that threw, not the bundle", async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
    let r: Response;
    try {
      r = await fetch(`${server.url}/explode`);
    } finally {
      spy.mockRestore();
    }
    expect(r.status).toBe(500);
    const throwLine = lineOf("src/lib/explode.ts", "throw new Error");
    const callLine = lineOf("src/index.ts", 'explode("on purpose")');
    const log = printed.join("\n");
    expect(log).toMatch(/worker at [A-Z]{3}: exception/);
    expect(log).toContain("Error: exploded: on purpose");
    expect(log).toMatch(new RegExp(`at explode \\(src/lib/explode\\.ts:${throwLine}:\\d+\\)`));
    expect(log).toMatch(new RegExp(`at Object\\.fetch \\(src/index\\.ts:${callLine}:\\d+\\)`));
    expect(log).not.toContain("bundle/index.js");
    const page = await r.text();
    expect(page).toMatch(new RegExp(`^error code: 1101\\n\\nError: exploded: on purpose\\n {4}at explode \\(src/lib/explode\\.ts:${throwLine}:`));
  });
});

describe("--watch", () => {
  it("runs the new version at the next request after a save, keeping KV and Durable Object storage", async () => {
    expect(await get("/version")).toBe("v1");
    // Another key than the staging test's: KV takes one write per second per key.
    expect(await get("/note?key=reload", { method: "PUT", body: "kept across reloads" })).toBe("stored");
    expect(await get("/count")).toBe("1");
    expect(await get("/count")).toBe("2");
    await edit("src/version.ts", 'export const VERSION: string = "v2";\n');
    expect(await get("/version")).toBe("v2");
    expect(await get("/note?key=reload")).toBe("kept across reloads");
    // The object restarted on the new code and read its count back from storage.
    expect(await get("/count")).toBe("3");
    expect(logs.some((l) => /^rebuilt features in \d+ ms after a change to src\/version\.ts; the next request runs the new version$/.test(l))).toBe(true);
  });

  it("keeps the previous version running after a broken save, says why, and takes the fix", async () => {
    const before = logs.length;
    await edit("src/version.ts", 'export const VERSION: string = ;\n');
    const report = logs.slice(before).join("\n");
    expect(report).toContain('worker "features" did not build:');
    expect(report).toContain('src/version.ts:1:32: Unexpected ";"');
    expect(report).toContain("still serving the previous version of features");
    expect(await get("/version")).toBe("v2");
    await edit("src/version.ts", 'export const VERSION: string = "v3";\n');
    expect(await get("/version")).toBe("v3");
  });

  it("follows a file the code starts importing, and a change to wrangler.toml or .dev.vars", async () => {
    writeFileSync(join(dir, "src/extra.ts"), 'export const EXTRA = "first";\n');
    await edit("src/version.ts", 'import { EXTRA } from "./extra";\nexport const VERSION: string = `v4 ${EXTRA}`;\n');
    expect(await get("/version")).toBe("v4 first");
    await edit("src/extra.ts", 'export const EXTRA = "second";\n');
    expect(await get("/version")).toBe("v4 second");
    const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
    await edit("wrangler.toml", toml.replace('MODE = "top"', 'MODE = "edited"'));
    expect(await get("/mode")).toBe("edited");
    await edit(".dev.vars", "API_TOKEN=rotated\n");
    expect(JSON.parse(await get("/secrets"))).toEqual({ token: "rotated" });
    expect(await get("/note?key=reload")).toBe("kept across reloads");
  });
});
