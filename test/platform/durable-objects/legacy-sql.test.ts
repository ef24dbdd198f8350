// A class created with new_classes, run in an isolate by the server: `ctx.storage.sql` throws
// Cloudflare's error (the same text the host API uses), and its key-value storage still works.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SQL_NOT_ENABLED_MESSAGE } from "../../../src/durable-objects/object-storage.js";
import { type RunningEdgeServer, startEdgeServer } from "../../../src/server/edge-server.js";

const CONFIG = join(fileURLToPath(new URL("./fixtures/legacy/", import.meta.url)), "wrangler.toml");
let server: RunningEdgeServer;

beforeAll(async () => {
  server = await startEdgeServer({ host: "127.0.0.1", port: 0, configPath: CONFIG, dataDir: ":memory:", log: () => undefined });
}, 90_000);
afterAll(() => server?.close());

describe("a key-value-backed Durable Object (new_classes) in an isolate", () => {
  it("refuses ctx.storage.sql with Cloudflare's error and keeps its key-value API", async () => {
    const r = await fetch(`${server.url}/`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ sql: `Error: ${SQL_NOT_ENABLED_MESSAGE}`, a: 1 });
  });
});
