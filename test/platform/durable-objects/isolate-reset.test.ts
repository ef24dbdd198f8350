// A Durable Object whose isolate is discarded (it ran past the CPU limit) is reset, as on
// Cloudflare: the call that overran fails, and the next call builds a new instance from storage.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdgeServer, startEdgeServer } from "../../../src/server/edge-server.js";

const CONFIG = join(fileURLToPath(new URL("./fixtures/reset/", import.meta.url)), "wrangler.toml");
let server: RunningEdgeServer;

beforeAll(async () => {
  server = await startEdgeServer({ host: "127.0.0.1", port: 0, configPath: CONFIG, dataDir: ":memory:", log: () => undefined });
}, 90_000);
afterAll(() => server?.close());

const get = async (path: string): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(`${server.url}${path}`);
  return { status: r.status, body: await r.json() };
};

describe("a Durable Object whose isolate was discarded", () => {
  it("fails the call that overran, then serves the next call from a new instance with its stored data", async () => {
    expect(await get("/")).toEqual({ status: 200, body: { n: 1, instance: 0 } });
    expect(await get("/")).toEqual({ status: 200, body: { n: 2, instance: 0 } });
    expect(await get("/spin")).toEqual({ status: 500, body: { error: "WORKER_EXCEEDED_RESOURCES" } });
    expect(await get("/")).toEqual({ status: 200, body: { n: 3, instance: 1 } });
    expect(await get("/")).toEqual({ status: 200, body: { n: 4, instance: 1 } });
  }, 60_000);
});
